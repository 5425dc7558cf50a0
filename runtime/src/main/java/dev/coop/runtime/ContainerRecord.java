package dev.coop.runtime;

import java.util.List;

/**
 * What coop recorded when it created a container (state.json). What the container is doing now
 * is observed, not recorded: see {@link ContainerInfo}.
 *
 * @param source      what the root was made from, for people: the rootfs directory or the image name
 * @param imageId     the image's id when it was run from one (images in use are not deleted)
 * @param stopSignal  what `coop stop` sends first (the image's StopSignal, or SIGTERM)
 * @param memoryLimit bytes, or -1 when unlimited (named in the OOM message)
 * @param creatorPid  the coop process that created it: if that died before the monitor wrote
 *                    the pid file, the creation was interrupted
 */
public record ContainerRecord(ContainerId id, String name, long createdMillis, String source, String imageId,
                              List<String> command, String hostname, long memoryLimit, boolean detached, boolean remove,
                              int creatorPid, String stopSignal) {
    public ContainerRecord {
        command = List.copyOf(command);
    }
}
