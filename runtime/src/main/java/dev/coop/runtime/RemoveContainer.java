package dev.coop.runtime;

import dev.coop.cgroups.CgroupException;
import dev.coop.overlay.ContainerLayer;
import dev.coop.overlay.OverlayException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;

/**
 * Removes every trace of a container: its processes (through its cgroup, which holds all of
 * them, whatever the recorded pid says), the cgroup, the writable layer and the state. The one
 * cleanup path: `coop rm`, `--rm`, and every failure during creation come through here, so a
 * half-created container is removed exactly like a finished one.
 */
final class RemoveContainer {
    private final Containers c;

    RemoveContainer(Containers c) {
        this.c = c;
    }

    void remove(ContainerId id, boolean force) throws ContainerException {
        ContainerInfo info = c.observer.observe(id);
        if (!force && (info.status() == ContainerInfo.Status.RUNNING || info.status() == ContainerInfo.Status.CREATING))
            throw new ContainerException("container " + id.shortId() + " is " + info.status().label()
                    + ": stop it first (coop stop) or remove it with coop rm -f", 1, null);
        try (FileChannel lock = c.store.lock(id)) {
            removeLocked(id, info);
        } catch (java.io.IOException e) {
            throw new ContainerException("cannot release the lock of " + id.shortId() + ": " + e, e);
        }
    }

    void removeLocked(ContainerId id, ContainerInfo info) throws ContainerException {
        try {
            c.cgroups.manager(id.value()).destroy();
        } catch (CgroupException e) {
            throw new ContainerException("cannot remove the cgroup of " + id.shortId() + ": " + e.getMessage(), e);
        }
        // The monitor is not in the cgroup: once its container is gone it records the exit and
        // leaves. Wait for that so it does not write into a state directory being deleted.
        for (int i = 0; i < 400 && Observer.isMonitor(info.monitorPid()); i++) sleep();
        try {
            new ContainerLayer(c.config.storeRoot(), id.value()).remove();
        } catch (OverlayException e) {
            throw new ContainerException(e.getMessage(), e);
        }
        c.store.remove(id, info.record().name());
    }

    /** For failure paths: remove what was made, keeping the original error as the one reported. */
    void removeAfterFailure(ContainerId id, Exception cause) {
        try {
            if (Files.isDirectory(c.store.dir(id))) removeLocked(id, c.observer.observe(id));
        } catch (ContainerException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
