package dev.coop.images;

import java.util.List;

/** The parts of an image's config a container runs with, and the layers' uncompressed digests. */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                          String stopSignal, List<Digest> diffIds, String os, String architecture, String created) {
    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        diffIds = List.copyOf(diffIds);
    }
}
