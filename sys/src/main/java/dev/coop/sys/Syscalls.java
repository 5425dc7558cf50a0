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

    /** mknod(2): a device node, FIFO, or (type S_IFCHR, 0:0) an overlayfs whiteout. */
    void mknod(String path, int mode, int major, int minor) throws ErrnoException;

    /** lchown(2): never follows a symlink. */
    void lchown(String path, int uid, int gid) throws ErrnoException;

    /** chmod(2) with the setuid, setgid and sticky bits, which java.nio cannot set. */
    void chmod(String path, int mode) throws ErrnoException;

    /** lsetxattr(2), for any namespace (security.capability, trusted.overlay.opaque). */
    void lsetxattr(String path, String name, byte[] value) throws ErrnoException;

    /** lgetxattr(2); null when the attribute is not set. */
    byte[] lgetxattr(String path, String name) throws ErrnoException;

    /** Sets access and modification times without following a symlink. */
    void lutimes(String path, long atimeNanos, long mtimeNanos) throws ErrnoException;

    /** Decodes a raw wait status the way shells do: the exit code, or 128 + the signal. */
    static int exitCode(int waitStatus) {
        int sig = waitStatus & 0x7f;
        if (sig == 0) return (waitStatus >> 8) & 0xff;
        return 128 + sig;
    }
}
