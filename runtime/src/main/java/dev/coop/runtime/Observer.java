package dev.coop.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Works out what a container is doing from facts, not from what was last recorded: the
 * monitor's pid and exit files, and whether the recorded pid is really in the container's
 * cgroup (a recycled pid is not). This is what makes `coop ps` tell the truth after a crash.
 */
final class Observer {
    private final StateStore store;

    Observer(StateStore store) {
        this.store = store;
    }

    ContainerInfo observe(ContainerId id) throws ContainerException {
        ContainerRecord rec;
        try {
            rec = store.read(id);
        } catch (ContainerException.NotFound e) {
            if (!Files.isDirectory(store.dir(id))) throw e;
            // Reserved, but the creator died before it wrote state.json.
            rec = new ContainerRecord(id, null, 0, "?", null, List.of(), "", -1, false, false, 0, null);
        }
        int[] pids = store.readPids(id);
        ExitRecord exit = store.readExit(id);
        if (exit != null) return new ContainerInfo(rec, ContainerInfo.Status.EXITED, pids == null ? 0 : pids[0], 0, exit);
        if (pids != null) {
            boolean initAlive = inCgroupOf(pids[0], id);
            boolean monitorAlive = isMonitor(pids[1]);
            if (initAlive || monitorAlive)
                return new ContainerInfo(rec, ContainerInfo.Status.RUNNING, initAlive ? pids[0] : 0,
                        monitorAlive ? pids[1] : 0, null);
            return new ContainerInfo(rec, ContainerInfo.Status.EXITED, 0, 0, null); // monitor killed: status lost
        }
        boolean creating = rec.creatorPid() > 0 && Files.isDirectory(Path.of("/proc/" + rec.creatorPid()));
        return new ContainerInfo(rec, creating ? ContainerInfo.Status.CREATING : ContainerInfo.Status.BROKEN, 0, 0, null);
    }

    /** Whether pid is alive and in this container's cgroup (so not a recycled pid). */
    static boolean inCgroupOf(int pid, ContainerId id) {
        if (pid <= 0) return false;
        try {
            String cg = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            return !zombie && cg.contains("/coop/" + id.value() + "\n");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean isMonitor(int pid) {
        return dev.coop.runtime.internal.Procs.isStage(pid);
    }
}
