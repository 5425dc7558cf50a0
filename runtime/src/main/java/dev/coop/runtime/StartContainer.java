package dev.coop.runtime;

import dev.coop.cgroups.CgroupException;
import dev.coop.cgroups.CgroupManager;
import dev.coop.cgroups.Resources;
import dev.coop.overlay.ContainerLayer;
import dev.coop.overlay.OverlayException;
import dev.coop.runtime.internal.ControlChannel;
import dev.coop.runtime.internal.RootfsPlanner;
import dev.coop.runtime.internal.StageLaunch;
import dev.coop.runtime.internal.StagePlan;
import dev.coop.sys.ErrnoException;
import dev.coop.sys.SpawnSpec;
import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * create + start: claims the id, makes the cgroup and the writable layer, computes the plan,
 * and hands it to the native stage, which becomes the container's monitor. Any failure removes
 * everything made so far through {@link RemoveContainer}.
 */
final class StartContainer {
    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Containers c;

    StartContainer(Containers c) {
        this.c = c;
    }

    RunningContainer start(ContainerSpec spec) throws ContainerException {
        if (c.sys.geteuid() != 0)
            throw new ContainerException("coop must run as root: it creates namespaces, cgroups and mounts (try sudo)", 1, null);
        if (spec.image() == null) {
            Path rootfs = spec.rootfs();
            if (!Files.exists(rootfs)) throw new ContainerException("--rootfs " + rootfs + " does not exist", 125, null);
            if (!Files.isDirectory(rootfs)) throw new ContainerException("--rootfs " + rootfs + " is not a directory", 125, null);
        }
        if (!ContainerLayer.supported())
            throw new ContainerException("this kernel has no overlayfs, which coop needs for the container's root:"
                    + " load it with 'modprobe overlay' (CONFIG_OVERLAY_FS)", 125, null);
        if (!Files.isExecutable(c.config.stage()))
            throw new ContainerException("the native stage " + c.config.stage() + " is missing: rebuild coop (mvn package)", 125, null);
        User user;
        try {
            user = User.resolve(spec.user(), spec.lowers().paths());
        } catch (IllegalArgumentException e) {
            throw new ContainerException(e.getMessage(), 125, e);
        }

        ContainerId id = ContainerId.random();
        if (spec.name() != null) c.store.removeDanglingName(spec.name());
        c.store.reserve(id, spec.name());
        ControlChannel ctl = null;
        try {
            String hostname = spec.hostname() != null ? spec.hostname() : id.shortId();
            Resources res = spec.privileged() ? withoutDeviceRules(spec.resources()) : spec.resources();
            long mem = res.memoryMax() == null ? -1 : res.memoryMax();
            String source = spec.image() != null ? spec.image() : spec.rootfs().toString();
            c.store.write(new ContainerRecord(id, spec.name(), System.currentTimeMillis(), source, spec.imageId(), spec.args(),
                    hostname, mem, spec.detach(), spec.remove(), (int) ProcessHandle.current().pid(), spec.stopSignal()));
            CgroupManager cg = c.cgroups.manager(id.value());
            cg.create(res);
            ContainerLayer layer = new ContainerLayer(c.config.storeRoot(), id.value());
            layer.create();
            Path mountpoint = c.store.rootfsMountpoint(id);
            Files.createDirectory(mountpoint);

            StagePlan plan = plan(spec, id, user, hostname, layer.mountData(spec.lowers()), mountpoint, cg);
            String log = c.store.logFile(id).toString();
            StageLaunch.Launched launched = StageLaunch.spawn(c.sys, c.config.stage(), plan, sb -> {
                sb.newSession(spec.detach());
                if (spec.detach()) {
                    sb.open("/dev/null", 0, SpawnSpec.O_RDONLY, 0)
                            .open(log, 1, SpawnSpec.O_WRONLY | SpawnSpec.O_CREAT | SpawnSpec.O_APPEND, 0640)
                            .open(log, 2, SpawnSpec.O_WRONLY | SpawnSpec.O_APPEND, 0);
                }
            });
            int monitor = launched.monitor();
            ctl = launched.ctl();
            int pid = 0;
            for (String line; (line = ctl.readLine()) != null; ) {
                StageLaunch.Failure failure = StageLaunch.Failure.parse(line);
                if (line.startsWith("pid ")) {
                    pid = Integer.parseInt(line.substring(4).trim());
                } else if (line.equals("running")) {
                    if (spec.detach()) reapInBackground(c.sys, monitor);
                    return new RunningContainer(c, id, spec, pid, monitor, ctl, cg, mem);
                } else if (failure != null) {
                    c.sys.waitpid(monitor);
                    throw new ContainerException.StartFailed(failure.message(), failure.code());
                }
            }
            int status = c.sys.waitpid(monitor);
            throw new ContainerException("the container's monitor ended before the container ran (exit status "
                    + Syscalls.exitCode(status) + ")");
        } catch (ContainerException | RuntimeException e) {
            // A program that could not start is a result, like docker's: keep the record (it says
            // why) unless --rm was asked for. Anything else never made a container: undo it all.
            if (!(e instanceof ContainerException.StartFailed) || spec.remove()) {
                new RemoveContainer(c).removeAfterFailure(id, e);
            }
            if (ctl != null) ctl.close();
            throw e;
        } catch (CgroupException | OverlayException | ErrnoException | IOException e) {
            ContainerException ce = new ContainerException(e.getMessage(), e);
            new RemoveContainer(c).removeAfterFailure(id, ce);
            if (ctl != null) ctl.close();
            throw ce;
        }
    }

    private static Resources withoutDeviceRules(Resources r) {
        return new Resources(r.memoryMax(), r.memoryHigh(), r.memorySwap(), r.cpuQuotaUs(), r.cpuPeriodUs(),
                r.cpuWeight(), r.pidsMax(), r.ioLimits(), r.ioWeight(), false);
    }

    /** The plan for a spec without creating anything: for diagnostics and start-up training. */
    StagePlan dryRun(ContainerSpec spec) throws ContainerException {
        ContainerId id = ContainerId.random();
        try {
            return plan(spec, id, User.resolve(spec.user(), spec.lowers().paths()), id.shortId(),
                    new ContainerLayer(c.config.storeRoot(), id.value()).mountData(spec.lowers()),
                    c.store.rootfsMountpoint(id), c.cgroups.manager(id.value()));
        } catch (OverlayException | IllegalArgumentException e) {
            throw new ContainerException(e.getMessage(), e);
        }
    }

    private StagePlan plan(ContainerSpec spec, ContainerId id, User user, String hostname, String overlayData,
                           Path mountpoint, CgroupManager cg) {
        StagePlan p = new StagePlan();
        for (String ns : List.of("pidns", "mntns", "utsns", "ipcns", "netns", "cgroupns")) p.flag(ns, true);
        p.put("hostname", hostname);
        // Short layer names are relative to the store's link directory: mount from inside it.
        if (spec.lowers().base() != null) p.put("chdir", spec.lowers().base().toString());
        RootfsPlanner.plan(p, mountpoint, overlayData, spec.privileged(), c.cgroups.v1Controllers());
        if (!spec.privileged()) {
            p.put("caps", Capabilities.numbers(Capabilities.DEFAULT));
            p.flag("nnp", true);
        }
        p.put("uid", user.uid()).put("gid", user.gid());
        for (int g : user.additionalGids()) p.put("group", g);
        p.put("cwd", spec.workdir() != null ? spec.workdir() : "/");
        for (String e : environment(spec, user, hostname)) p.put("env", e);
        for (String a : spec.args()) p.put("arg", a);
        p.flag("init", spec.init());
        p.flag("tty", spec.tty());
        p.flag("detach", spec.detach());
        if (spec.oomScoreAdj() != null) p.put("oom_score_adj", spec.oomScoreAdj());
        for (Path procs : cg.procsFiles()) p.put("cgroup_procs", procs.toString());
        p.put("pidfile", c.store.pidFile(id).toString());
        p.put("exitfile", c.store.exitFile(id).toString());
        if (spec.detach() && spec.remove() && c.config.launcher() != null) {
            for (String a : List.of(c.config.launcher().toString(), "rm", "-f", id.value())) p.put("onexit", a);
        }
        return p;
    }

    /** docker's order: PATH and HOSTNAME first, then HOME and TERM, then what the user set wins. */
    static List<String> environment(ContainerSpec spec, User user, String hostname) {
        List<String> env = new ArrayList<>();
        env.add(DEFAULT_PATH);
        env.add("HOSTNAME=" + hostname);
        env.add("HOME=" + user.home());
        if (spec.tty()) env.add("TERM=xterm");
        for (String e : spec.env()) {
            String key = e.substring(0, e.indexOf('=') + 1);
            env.removeIf(x -> x.startsWith(key));
            env.add(e);
        }
        return env;
    }

    /** A detached container's monitor outlives us; if this JVM lives on, it must not stay a zombie. */
    private static void reapInBackground(Syscalls sys, int monitor) {
        Thread t = new Thread(() -> {
            try {
                sys.waitpid(monitor);
            } catch (ErrnoException ignored) {
                // already reaped
            }
        }, "coop-reap-" + monitor);
        t.setDaemon(true);
        t.start();
    }
}
