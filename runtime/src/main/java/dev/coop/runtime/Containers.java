package dev.coop.runtime;

import dev.coop.cgroups.CgroupDriver;
import dev.coop.cgroups.CgroupException;
import dev.coop.cgroups.CgroupStats;
import dev.coop.sys.Errno;
import dev.coop.sys.ErrnoException;
import dev.coop.sys.Signal;
import dev.coop.sys.Syscalls;
import java.util.ArrayList;
import java.util.List;

/** The runtime's public entry point: one method per lifecycle verb, each in its own class. */
public final class Containers {
    final RuntimeConfig config;
    final StateStore store;
    final CgroupDriver cgroups;
    final Syscalls sys;
    final Observer observer;

    public Containers(RuntimeConfig config, CgroupDriver cgroups, Syscalls sys) {
        this.config = config;
        this.store = new StateStore(config.stateRoot());
        this.cgroups = cgroups;
        this.sys = sys;
        this.observer = new Observer(store);
    }

    public RuntimeConfig config() { return config; }
    public CgroupDriver cgroups() { return cgroups; }

    /** Creates and starts a container; returns once its program runs (or fails to start). */
    public RunningContainer run(ContainerSpec spec) throws ContainerException {
        return new StartContainer(this).start(spec);
    }

    /** The encoded plan the native stage would get for this spec; creates nothing. */
    public byte[] plan(ContainerSpec spec) throws ContainerException {
        return new StartContainer(this).dryRun(spec).encode();
    }

    public ContainerInfo inspect(String ref) throws ContainerException {
        return observer.observe(store.resolve(ref));
    }

    public List<ContainerInfo> list() throws ContainerException {
        List<ContainerInfo> out = new ArrayList<>();
        for (ContainerId id : store.list()) {
            try {
                out.add(observer.observe(id));
            } catch (ContainerException.NotFound e) {
                // removed while we listed
            }
        }
        out.sort((a, b) -> Long.compare(a.record().createdMillis(), b.record().createdMillis()));
        return out;
    }

    public void kill(String ref, Signal signal) throws ContainerException {
        ContainerInfo info = inspect(ref);
        if (info.status() != ContainerInfo.Status.RUNNING || info.pid() == 0)
            throw new ContainerException("container " + info.record().id().shortId() + " is not running (" + info.status().label() + ")", 1, null);
        try {
            sys.kill(info.pid(), signal);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ESRCH) throw new ContainerException("cannot signal container: " + e.getMessage(), e);
        }
    }

    /** Sends SIGTERM (or the given signal), waits, then kills everything in the cgroup. */
    public ExitRecord stop(String ref, Signal signal, long timeoutMillis) throws ContainerException {
        ContainerId id = store.resolve(ref);
        ContainerInfo info = observer.observe(id);
        if (info.status() == ContainerInfo.Status.RUNNING && info.pid() != 0) {
            try {
                sys.kill(info.pid(), signal);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ESRCH) throw new ContainerException("cannot signal container: " + e.getMessage(), e);
            }
            ContainerInfo after = await(id, timeoutMillis);
            if (after.status() == ContainerInfo.Status.RUNNING) {
                try {
                    cgroups.manager(id.value()).killAll();
                } catch (CgroupException e) {
                    throw new ContainerException("cannot kill container " + id.shortId() + ": " + e.getMessage(), e);
                }
            }
        }
        return await(id, 10_000).exit();
    }

    /** Blocks until the container has ended; returns how it ended. */
    public ContainerInfo waitFor(String ref) throws ContainerException {
        return await(store.resolve(ref), Long.MAX_VALUE);
    }

    ContainerInfo await(ContainerId id, long timeoutMillis) throws ContainerException {
        long deadline = timeoutMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + timeoutMillis;
        long sleep = 1;
        while (true) {
            ContainerInfo info = observer.observe(id);
            if (info.status() == ContainerInfo.Status.EXITED || info.status() == ContainerInfo.Status.BROKEN
                    || System.currentTimeMillis() >= deadline) return info;
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerException("interrupted while waiting for " + id.shortId(), e);
            }
            sleep = Math.min(sleep * 2, 50);
        }
    }

    /** How many OOM kills the container's cgroup has seen (0 once it is removed). */
    public long oomKills(ContainerId id) {
        try {
            return cgroups.manager(id.value()).oomKills();
        } catch (CgroupException e) {
            return 0;
        }
    }

    public CgroupStats stats(String ref) throws ContainerException {
        ContainerId id = store.resolve(ref);
        try {
            return cgroups.manager(id.value()).stats();
        } catch (CgroupException e) {
            throw new ContainerException("cannot read the stats of " + id.shortId() + ": " + e.getMessage(), e);
        }
    }

    public void remove(String ref, boolean force) throws ContainerException {
        new RemoveContainer(this).remove(store.resolve(ref), force);
    }

    public String logFile(String ref) throws ContainerException {
        return store.logFile(store.resolve(ref)).toString();
    }
}
