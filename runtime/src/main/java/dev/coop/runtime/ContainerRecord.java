package dev.coop.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * What coop recorded when it created a container (state.json). What the container is doing now
 * is observed, not recorded: see {@link ContainerInfo}.
 *
 * @param memoryLimit bytes, or -1 when unlimited (named in the OOM message)
 * @param creatorPid  the coop process that created it: if that died before the monitor wrote
 *                    the pid file, the creation was interrupted
 */
public record ContainerRecord(ContainerId id, String name, long createdMillis, Path rootfs, List<String> command,
                              String hostname, long memoryLimit, boolean detached, boolean remove, int creatorPid) {
    public ContainerRecord {
        command = List.copyOf(command);
    }
}
