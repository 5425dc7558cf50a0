package dev.coop.sys;

/**
 * The system calls the JVM makes itself. Everything that needs a child process (namespaces,
 * mounts, credentials) happens in the native stage started by {@link #spawn}; the JVM never forks.
 */
public interface Syscalls {
    static Syscalls linux() {
        return LinuxSyscalls.INSTANCE;
    }

    /** A connected AF_UNIX stream pair, both ends close-on-exec. */
    Fd[] socketpair() throws ErrnoException;

    /** posix_spawn; returns the child's pid. */
    int spawn(SpawnSpec spec) throws ErrnoException;

    void kill(int pid, Signal signal) throws ErrnoException;

    /** Blocks until {@code pid} exits and returns its raw wait status. */
    int waitpid(int pid) throws ErrnoException;

    int geteuid();

    /** Decodes a raw wait status the way shells do: the exit code, or 128 + the signal. */
    static int exitCode(int waitStatus) {
        int sig = waitStatus & 0x7f;
        if (sig == 0) return (waitStatus >> 8) & 0xff;
        return 128 + sig;
    }
}
