package dev.coop.sys;

import java.util.ArrayList;
import java.util.List;

/**
 * What posix_spawn should start: the program, its argv and env, and how its file descriptors
 * are set up. Nothing else is inherited: the child gets an empty signal mask and default
 * dispositions, whatever the calling JVM thread had.
 */
public record SpawnSpec(String path, List<String> argv, List<String> env, List<FdAction> fds, boolean newSession) {
    public SpawnSpec {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        fds = List.copyOf(fds);
    }

    /** One file action, applied in order in the child. */
    public sealed interface FdAction permits Dup, Open {}

    /** dup2(from, to): the child sees {@code from} as {@code to}. */
    public record Dup(Fd from, int to) implements FdAction {}

    /** open(path, flags, mode) as {@code to}. */
    public record Open(String path, int to, int flags, int mode) implements FdAction {}

    public static Builder builder(String path) {
        return new Builder(path);
    }

    public static final class Builder {
        private final String path;
        private final List<String> argv = new ArrayList<>();
        private final List<String> env = new ArrayList<>();
        private final List<FdAction> fds = new ArrayList<>();
        private boolean newSession;

        private Builder(String path) {
            this.path = path;
            argv.add(path);
        }

        public Builder args(List<String> args) { argv.addAll(args); return this; }
        public Builder env(List<String> vars) { env.addAll(vars); return this; }
        public Builder dup(Fd from, int to) { fds.add(new Dup(from, to)); return this; }
        public Builder open(String file, int to, int flags, int mode) { fds.add(new Open(file, to, flags, mode)); return this; }
        public Builder newSession(boolean on) { newSession = on; return this; }
        public SpawnSpec build() { return new SpawnSpec(path, argv, env, fds, newSession); }
    }

    /** open(2) flags used with {@link Open}. */
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_APPEND = 02000;
}
