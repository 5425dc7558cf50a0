package dev.coop.runtime;

import dev.coop.cgroups.Resources;
import dev.coop.overlay.LowerLayers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Everything `coop run` was asked for; validated by its builder. */
public record ContainerSpec(String name, LowerLayers lowers, String image, String imageId, List<String> args, List<String> env, String workdir,
                            String user, String hostname, boolean tty, boolean init, boolean privileged,
                            Resources resources, Integer oomScoreAdj, boolean detach, boolean remove, String stopSignal) {
    public ContainerSpec {
        args = List.copyOf(args);
        env = List.copyOf(env);
        if (args.isEmpty()) throw new IllegalArgumentException("no command given");
        for (String e : env) {
            if (!e.contains("=") || e.startsWith("="))
                throw new IllegalArgumentException("invalid environment variable '" + e + "': use NAME=VALUE");
        }
        if (workdir != null && !workdir.startsWith("/"))
            throw new IllegalArgumentException("--workdir must be an absolute path, got " + workdir);
        if (oomScoreAdj != null && (oomScoreAdj < -1000 || oomScoreAdj > 1000))
            throw new IllegalArgumentException("--oom-score-adj must be between -1000 and 1000");
        if (hostname != null && !hostname.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})?"))
            throw new IllegalArgumentException("invalid hostname '" + hostname + "'");
        if (name != null) new ContainerId(name); // same alphabet as ids
    }

    /** A container whose root is one directory. */
    public static Builder builder(Path rootfs, List<String> args) {
        return new Builder(LowerLayers.of(rootfs), null, args);
    }

    /** A container whose root is an image's layers; {@code image} names it in records and listings. */
    public static Builder builder(LowerLayers layers, String image, String imageId, List<String> args) {
        return new Builder(layers, image, args).imageId(imageId);
    }

    /** The root directory, for a --rootfs container (null for an image). */
    public Path rootfs() {
        return image == null ? lowers.paths().get(0) : null;
    }

    public static final class Builder {
        private final LowerLayers lowers;
        private final String image;
        private final List<String> args;
        private final List<String> env = new ArrayList<>();
        private String name, workdir, user, hostname, stopSignal, imageId;
        private boolean tty, init, privileged, detach, remove;
        private Resources resources = Resources.none();
        private Integer oomScoreAdj;

        private Builder(LowerLayers lowers, String image, List<String> args) {
            this.lowers = lowers;
            this.image = image;
            this.args = args;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder env(List<String> v) { env.addAll(v); return this; }
        public Builder workdir(String v) { workdir = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder tty(boolean v) { tty = v; return this; }
        public Builder init(boolean v) { init = v; return this; }
        public Builder privileged(boolean v) { privileged = v; return this; }
        public Builder resources(Resources v) { resources = v; return this; }
        public Builder oomScoreAdj(Integer v) { oomScoreAdj = v; return this; }
        public Builder detach(boolean v) { detach = v; return this; }
        public Builder remove(boolean v) { remove = v; return this; }
        public Builder stopSignal(String v) { stopSignal = v; return this; }
        private Builder imageId(String v) { imageId = v; return this; }

        public ContainerSpec build() {
            return new ContainerSpec(name, lowers, image, imageId, args, env, workdir, user, hostname, tty, init, privileged,
                    resources, oomScoreAdj, detach, remove, stopSignal);
        }
    }
}
