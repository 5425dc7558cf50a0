package dev.coop.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coop.cgroups.CgroupDriver;
import dev.coop.cgroups.CgroupException;
import dev.coop.cgroups.CgroupManager;
import dev.coop.overlay.ContainerLayer;
import dev.coop.runtime.ContainerException;
import dev.coop.runtime.ContainerId;
import dev.coop.runtime.internal.ControlChannel;
import dev.coop.runtime.internal.Procs;
import dev.coop.runtime.internal.StageLaunch;
import dev.coop.runtime.internal.StagePlan;
import dev.coop.sys.AtomicFiles;
import dev.coop.sys.Errno;
import dev.coop.sys.ErrnoException;
import dev.coop.sys.Signal;
import dev.coop.sys.Syscalls;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCI runtime verbs as runc implements them, over state in ROOT/ID: create leaves the
 * container's init waiting on an exec fifo (status "created") and returns; start opens the fifo;
 * state, kill, delete and list observe and act on what is really there. The init is not coop's
 * child after create: like runc's, it is reparented to the engine's subreaper.
 */
public final class OciRuntime {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path root;
    private final Path stage;
    private final CgroupDriver cgroups;
    private final Syscalls sys;

    public OciRuntime(Path root, Path stage, CgroupDriver cgroups, Syscalls sys) {
        this.root = root;
        this.stage = stage;
        this.cgroups = cgroups;
        this.sys = sys;
    }

    /** The spec's states. */
    public enum Status { CREATING, CREATED, RUNNING, PAUSED, STOPPED;
        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public record State(String ociVersion, String id, Status status, int pid, String bundle, JsonNode annotations, String created) {}

    private Path dir(String id) { return root.resolve(new ContainerId(id).value()); }

    private CgroupManager cgroup(String id, String cgroupsPath) {
        return cgroupsPath == null || cgroupsPath.isEmpty() ? cgroups.manager(id) : cgroups.managerAt(cgroupsPath);
    }

    /** create: everything up to the user's program, which waits for start. */
    public State create(String id, Path bundleDir, Path pidFile, String consoleSocket) throws ContainerException {
        return create(id, bundleDir, pidFile, consoleSocket, true).state;
    }

    private record Created(State state, int monitor, ControlChannel ctl) {}

    private Created create(String id, Path bundleDir, Path pidFile, String consoleSocket, boolean detach) throws ContainerException {
        ContainerId cid;
        try {
            cid = new ContainerId(id);
        } catch (IllegalArgumentException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
        Path bundlePath = bundleDir.toAbsolutePath().normalize();
        OciBundle bundle = OciBundle.load(bundlePath);
        if (bundle.terminal() && consoleSocket == null && detach)
            throw new ContainerException("process.terminal is true: give --console-socket", 1, null);
        Path d = dir(id);
        try {
            Files.createDirectories(root);
            Files.createDirectory(d);
        } catch (FileAlreadyExistsException e) {
            throw new ContainerException("container " + id + " already exists", 1, null);
        } catch (IOException e) {
            throw new ContainerException("cannot create " + d + ": " + e, 1, e);
        }
        CgroupManager cg = null;
        try {
            StagePlan plan = bundle.plan(cgroups.v1Controllers());
            try {
                cg = cgroup(id, bundle.cgroupsPath());
                cg.create(bundle.resources());
            } catch (IllegalArgumentException e) {
                throw new ContainerException("unsupported in config.json: " + e.getMessage(), 1, e);
            }
            for (Path procs : cg.procsFiles()) plan.put("cgroup_procs", procs.toString());
            Path fifo = d.resolve("exec.fifo");
            sys.mknod(fifo.toString(), 0010622, 0, 0);
            sys.chmod(fifo.toString(), 0622);
            plan.put("execfifo", fifo.toString()).put("pidfile", d.resolve("pid").toString());
            plan.flag("oci", detach);
            if (detach) plan.put("exitfile", d.resolve("exit").toString());
            if (consoleSocket != null) plan.put("console_socket", consoleSocket);
            ObjectNode meta = MAPPER.createObjectNode();
            meta.put("ociVersion", bundle.ociVersion());
            meta.put("bundle", bundlePath.toString());
            meta.put("cgroupsPath", bundle.cgroupsPath());
            meta.put("created", Instant.now().toString());
            meta.set("annotations", bundle.annotations().isMissingNode() ? MAPPER.createObjectNode() : bundle.annotations());
            AtomicFiles.write(d.resolve("oci.json"), MAPPER.writeValueAsBytes(meta));

            StageLaunch.Launched launched = StageLaunch.spawn(sys, stage, plan, sb -> {});
            int monitor = launched.monitor();
            ControlChannel ctl = launched.ctl();
            int pid = 0;
            for (String line; (line = ctl.readLine()) != null; ) {
                StageLaunch.Failure failure = StageLaunch.Failure.parse(line);
                if (line.startsWith("pid ")) pid = Integer.parseInt(line.substring(4).trim());
                else if (line.equals("created")) break;
                else if (failure != null) {
                    ctl.close();
                    sys.waitpid(monitor);
                    throw new ContainerException(failure.message(), failure.code() == 127 ? 127 : 1, null);
                }
            }
            if (pid == 0) throw new ContainerException("the container's init did not start", 1, null);
            Files.writeString(d.resolve("starttime"), Long.toString(Procs.startTime(pid)));
            if (pidFile != null) AtomicFiles.write(pidFile.toAbsolutePath(), Integer.toString(pid).getBytes());
            if (detach) {
                ctl.close();
                sys.waitpid(monitor); // it leaves once the init waits on the fifo
                return new Created(state(id), 0, null);
            }
            return new Created(state(id), monitor, ctl);
        } catch (ContainerException | RuntimeException e) {
            cleanup(id, cg, e);
            throw e;
        } catch (IOException | ErrnoException | CgroupException e) {
            ContainerException ce = new ContainerException(e.getMessage(), 1, e);
            cleanup(id, cg, ce);
            throw ce;
        }
    }

    private void cleanup(String id, CgroupManager cg, Exception cause) {
        try {
            if (cg != null) cg.destroy();
            ContainerLayer.deleteTree(dir(id));
        } catch (CgroupException | IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** start: lets the waiting init exec the user's program. */
    public void start(String id) throws ContainerException {
        State s = state(id);
        if (s.status() != Status.CREATED)
            throw new ContainerException("cannot start a container that is " + s.status().label() + " (only a created one)", 1, null);
        Path fifo = dir(id).resolve("exec.fifo");
        try (FileInputStream in = new FileInputStream(fifo.toFile())) {
            if (in.read() < 0) throw new ContainerException("the container's init went away before it could start", 1, null);
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            throw new ContainerException("cannot start " + id + ": " + e.getMessage(), 1, e);
        }
    }

    public State state(String id) throws ContainerException {
        Path d = dir(id);
        JsonNode meta;
        try {
            meta = MAPPER.readTree(Files.readAllBytes(d.resolve("oci.json")));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ContainerException("container " + id + " does not exist", 1, null);
        } catch (IOException e) {
            throw new ContainerException("corrupt state of " + id + ": " + e.getMessage(), 1, e);
        }
        int pid = 0;
        Status status = Status.CREATING;
        try {
            String[] f = Files.readString(d.resolve("pid")).trim().split("\\s+");
            pid = Integer.parseInt(f[0]);
            long recorded = Long.parseLong(Files.readString(d.resolve("starttime")).trim());
            if (Procs.startTime(pid) != recorded) status = Status.STOPPED;
            else if (Procs.isStage(pid)) status = Status.CREATED;
            else status = cgroup(id, meta.path("cgroupsPath").asText("")).frozen() ? Status.PAUSED : Status.RUNNING;
        } catch (IOException | RuntimeException | CgroupException e) {
            status = Files.exists(d.resolve("pid")) ? Status.STOPPED : Status.CREATING;
        }
        return new State(meta.path("ociVersion").asText(), id, status, status == Status.STOPPED ? 0 : pid,
                meta.path("bundle").asText(), meta.path("annotations"), meta.path("created").asText());
    }

    public String stateJson(String id) throws ContainerException {
        State s = state(id);
        ObjectNode n = MAPPER.createObjectNode();
        n.put("ociVersion", s.ociVersion());
        n.put("id", s.id());
        n.put("status", s.status().label());
        n.put("pid", s.pid());
        n.put("bundle", s.bundle());
        n.set("annotations", s.annotations());
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
    }

    public void kill(String id, Signal signal, boolean all) throws ContainerException {
        State s = state(id);
        if (s.status() != Status.CREATED && s.status() != Status.RUNNING)
            throw new ContainerException("container " + id + " is not running", 1, null);
        try {
            if (all) {
                for (int pid : cgroup(id, cgroupsPath(id)).pids()) signal(pid, signal);
            } else {
                signal(s.pid(), signal);
            }
        } catch (CgroupException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
    }

    private void signal(int pid, Signal signal) throws ContainerException {
        try {
            sys.kill(pid, signal);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ESRCH) throw new ContainerException("kill(" + pid + "): " + e.getMessage(), 1, e);
        }
    }

    private String cgroupsPath(String id) throws ContainerException {
        try {
            return MAPPER.readTree(Files.readAllBytes(dir(id).resolve("oci.json"))).path("cgroupsPath").asText("");
        } catch (IOException e) {
            throw new ContainerException("container " + id + " does not exist", 1, e);
        }
    }

    /** pause: freezes every process of a running container (the cgroup freezer). */
    public void pause(String id) throws ContainerException {
        State s = state(id);
        if (s.status() != Status.RUNNING) throw new ContainerException("container " + id + " is " + s.status().label() + ", not running", 1, null);
        freeze(id, true);
    }

    /** resume: thaws a paused container. */
    public void resume(String id) throws ContainerException {
        State s = state(id);
        if (s.status() != Status.PAUSED) throw new ContainerException("container " + id + " is " + s.status().label() + ", not paused", 1, null);
        freeze(id, false);
    }

    private void freeze(String id, boolean on) throws ContainerException {
        try {
            cgroup(id, cgroupsPath(id)).freeze(on);
        } catch (CgroupException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
    }

    /** update: new limits for a created, running or paused container. */
    public void update(String id, dev.coop.cgroups.Resources resources) throws ContainerException {
        State s = state(id);
        if (s.status() == Status.STOPPED || s.status() == Status.CREATING)
            throw new ContainerException("container " + id + " is " + s.status().label(), 1, null);
        try {
            cgroup(id, cgroupsPath(id)).update(resources);
        } catch (CgroupException e) {
            throw new ContainerException("cannot update " + id + ": " + e.getMessage(), 1, e);
        }
    }

    /** The cgroup counters of a container, for events --stats. */
    public dev.coop.cgroups.CgroupStats stats(String id) throws ContainerException {
        state(id);
        try {
            return cgroup(id, cgroupsPath(id)).stats();
        } catch (CgroupException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
    }

    /** ps: the host pids of every process in the container. */
    public List<Integer> pids(String id) throws ContainerException {
        state(id);
        try {
            return cgroup(id, cgroupsPath(id)).pids().stream().sorted().toList();
        } catch (CgroupException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
    }

    /** delete: only a stopped (or never started) container unless forced; removes every trace. */
    public void delete(String id, boolean force) throws ContainerException {
        if (!Files.isDirectory(dir(id))) throw new ContainerException("container " + id + " does not exist", 1, null);
        Status status;
        String cgPath = "";
        try {
            status = state(id).status();
            cgPath = cgroupsPath(id);
        } catch (ContainerException e) {
            status = Status.STOPPED; // half-created: nothing to keep
        }
        if ((status == Status.RUNNING || status == Status.PAUSED) && !force)
            throw new ContainerException("cannot delete container " + id + " that is running: stop it first or use --force", 1, null);
        try (FileChannel lock = FileChannel.open(dir(id).resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lock.lock();
            CgroupManager cg = cgroup(id, cgPath);
            if (cg.exists() && cg.frozen()) cg.freeze(false); // a paused container: thaw so SIGKILL lands
            cg.destroy(); // kills a created or running init and anything it started
            ContainerLayer.deleteTree(dir(id));
        } catch (CgroupException | IOException | IllegalArgumentException e) {
            throw new ContainerException("cannot delete " + id + ": " + e.getMessage(), 1, e);
        }
    }

    public List<State> list() throws ContainerException {
        List<State> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (var s = Files.list(root)) {
            for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
                try {
                    out.add(state(p.getFileName().toString()));
                } catch (ContainerException e) {
                    // removed meanwhile
                }
            }
        } catch (IOException e) {
            throw new ContainerException("cannot list " + root + ": " + e, 1, e);
        }
        return out;
    }

    /**
     * exec: runs another process in a running container: in all its namespaces and its cgroup,
     * with the given process section (a process.json, or the container's own with overrides).
     * Returns the process's exit code; with detach, 0 once it runs.
     */
    public int exec(String id, JsonNode process, boolean detach) throws ContainerException {
        State s = state(id);
        // runc exits 255 when exec fails in the runtime, keeping 0-254 for the process's own codes.
        if (s.status() != Status.RUNNING) throw new ContainerException("cannot exec in a container that is " + s.status().label(), 255, null);
        if (process.path("terminal").asBoolean(false))
            throw new ContainerException("exec with a terminal is not supported yet", 255, null);
        StagePlan plan = new StagePlan();
        plan.put("join_pid", s.pid());
        OciBundle.process(plan, process);
        try {
            for (Path procs : cgroup(id, cgroupsPath(id)).procsFiles()) plan.put("cgroup_procs", procs.toString());
            StageLaunch.Launched launched = StageLaunch.spawn(sys, stage, plan, sb -> sb.newSession(detach));
            int monitor = launched.monitor();
            try (ControlChannel ctl = launched.ctl()) {
                int status = -1;
                for (String line; (line = ctl.readLine()) != null; ) {
                    StageLaunch.Failure failure = StageLaunch.Failure.parse(line);
                    if (failure != null) {
                        sys.waitpid(monitor);
                        throw new ContainerException(failure.message(), failure.code() == 127 ? 127 : 255, null);
                    }
                    if (line.equals("running") && detach) return 0;
                    if (line.startsWith("exit ")) status = Integer.parseInt(line.substring(5).trim());
                }
                sys.waitpid(monitor);
                return status < 0 ? 255 : Syscalls.exitCode(status);
            }
        } catch (ErrnoException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
    }

    /** The container's own process section, the defaults an exec overrides. */
    public JsonNode processDefaults(String id) throws ContainerException {
        return OciBundle.load(Path.of(state(id).bundle())).process();
    }

    /**
     * run: create, start and wait in the foreground; returns the program's exit code. Whatever
     * fails after create removes the container: a created init would otherwise wait on its fifo
     * forever, holding its cgroup and state.
     */
    public int run(String id, Path bundleDir, Path pidFile) throws ContainerException {
        Created c = create(id, bundleDir, pidFile, null, false);
        try (ControlChannel ctl = c.ctl()) {
            start(id);
            int status = -1;
            for (String line; (line = ctl.readLine()) != null; ) {
                if (line.startsWith("exit ")) status = Integer.parseInt(line.substring(5).trim());
            }
            sys.waitpid(c.monitor());
            return status < 0 ? 255 : Syscalls.exitCode(status);
        } catch (ContainerException | ErrnoException | RuntimeException e) {
            ContainerException failure = e instanceof ContainerException ce ? ce : new ContainerException(e.getMessage(), 1, e);
            try {
                delete(id, true);
            } catch (ContainerException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }
}
