package dev.coop.runtime;

import dev.coop.cgroups.CgroupException;
import dev.coop.cgroups.CgroupManager;
import dev.coop.cgroups.CgroupStats;
import dev.coop.runtime.internal.ControlChannel;
import dev.coop.sys.Errno;
import dev.coop.sys.ErrnoException;
import dev.coop.sys.Signal;

/** A container whose program runs, as seen by the coop process that started it. */
public final class RunningContainer {
    private final Containers c;
    private final ContainerId id;
    private final ContainerSpec spec;
    private final int pid;
    private final int monitor;
    private final ControlChannel ctl;
    private final CgroupManager cgroup;
    private final long memoryLimit;

    RunningContainer(Containers c, ContainerId id, ContainerSpec spec, int pid, int monitor, ControlChannel ctl,
                     CgroupManager cgroup, long memoryLimit) {
        this.c = c;
        this.id = id;
        this.spec = spec;
        this.pid = pid;
        this.monitor = monitor;
        this.ctl = ctl;
        this.cgroup = cgroup;
        this.memoryLimit = memoryLimit;
    }

    public ContainerId id() { return id; }

    /** The container's init as the host sees it. */
    public int pid() { return pid; }

    /** Forwards a signal to the container's init (SIGINT/SIGTERM sent to `coop run`). */
    public void signal(Signal s) {
        try {
            c.sys.kill(pid, s);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ESRCH) throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Waits for the program to end, then (with --rm) removes the container.
     *
     * @param withStats read the cgroup's counters before it goes
     */
    public ExitResult awaitExit(boolean withStats) throws ContainerException {
        if (spec.detach()) throw new IllegalStateException("a detached container is watched by its monitor: use coop wait");
        int status = -1;
        try {
            for (String line; (line = ctl.readLine()) != null; ) {
                if (line.startsWith("exit ")) status = Integer.parseInt(line.substring(5).trim());
            }
            c.sys.waitpid(monitor);
        } catch (ErrnoException e) {
            throw new ContainerException("lost the container's monitor: " + e.getMessage(), e);
        } finally {
            ctl.close();
        }
        ExitRecord rec = c.store.readExit(id);
        int code = status >= 0 ? dev.coop.sys.Syscalls.exitCode(status) : rec != null ? rec.exitCode() : 125;
        boolean oom;
        CgroupStats stats = null;
        try {
            oom = cgroup.oomKills() > 0;
            if (withStats) stats = cgroup.stats();
        } catch (CgroupException e) {
            throw new ContainerException("cannot read the container's cgroup: " + e.getMessage(), e);
        }
        if (spec.remove()) new RemoveContainer(c).remove(id, true);
        return new ExitResult(code, oom, memoryLimit, stats);
    }
}
