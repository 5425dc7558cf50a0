package dev.coop.sys;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

final class LinuxSyscalls implements Syscalls {
    static final LinuxSyscalls INSTANCE = new LinuxSyscalls();

    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08,
            POSIX_SPAWN_SETSID = 0x80;
    // glibc x86_64: posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128.
    private static final int FILE_ACTIONS_SIZE = 256, ATTR_SIZE = 512, SIGSET_SIZE = 128;

    private final LibC c = LibC.INSTANCE;

    @Override
    public Fd[] socketpair() throws ErrnoException {
        int[] sv = new int[2];
        if (c.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
            throw new ErrnoException("socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC)", Native.getLastError());
        return new Fd[] {new Fd(sv[0]), new Fd(sv[1])};
    }

    @Override
    public int spawn(SpawnSpec spec) throws ErrnoException {
        try (Memory fa = new Memory(FILE_ACTIONS_SIZE); Memory attr = new Memory(ATTR_SIZE);
             Memory empty = new Memory(SIGSET_SIZE); Memory all = new Memory(SIGSET_SIZE)) {
            fa.clear();
            attr.clear();
            check(c.posix_spawn_file_actions_init(fa), "posix_spawn_file_actions_init");
            check(c.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try {
                for (SpawnSpec.FdAction a : spec.fds()) {
                    if (a instanceof SpawnSpec.Dup d) {
                        // glibc clears FD_CLOEXEC on the target even when from == to.
                        check(c.posix_spawn_file_actions_adddup2(fa, d.from().number(), d.to()),
                                "posix_spawn_file_actions_adddup2(" + d.from().number() + ", " + d.to() + ")");
                    } else if (a instanceof SpawnSpec.Open o) {
                        check(c.posix_spawn_file_actions_addopen(fa, o.to(), o.path(), o.flags(), o.mode()),
                                "posix_spawn_file_actions_addopen(" + o.path() + ")");
                    }
                }
                c.sigemptyset(empty);
                c.sigfillset(all);
                short flags = (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                        | (spec.newSession() ? POSIX_SPAWN_SETSID : 0));
                check(c.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
                check(c.posix_spawnattr_setsigmask(attr, empty), "posix_spawnattr_setsigmask");
                check(c.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault");
                IntByReference pid = new IntByReference();
                String[] argv = spec.argv().toArray(new String[0]);
                String[] envp = spec.env().toArray(new String[0]);
                int rc = c.posix_spawn(pid, spec.path(), fa, attr, argv, envp);
                if (rc != 0) throw new ErrnoException("posix_spawn(" + spec.path() + ")", rc);
                return pid.getValue();
            } finally {
                c.posix_spawn_file_actions_destroy(fa);
                c.posix_spawnattr_destroy(attr);
            }
        }
    }

    private static void check(int rc, String call) throws ErrnoException {
        if (rc != 0) throw new ErrnoException(call, rc); // posix_spawn* return the error number
    }

    @Override
    public void kill(int pid, Signal signal) throws ErrnoException {
        if (pid <= 0) throw new IllegalArgumentException("refusing to signal pid " + pid);
        if (c.kill(pid, signal.number()) < 0)
            throw new ErrnoException("kill(pid=" + pid + ", " + signal + ")", Native.getLastError());
    }

    @Override
    public int waitpid(int pid) throws ErrnoException {
        IntByReference status = new IntByReference();
        while (true) {
            if (c.waitpid(pid, status, 0) >= 0) return status.getValue();
            int e = Native.getLastError();
            if (e != Errno.EINTR) throw new ErrnoException("waitpid(" + pid + ")", e);
        }
    }

    @Override
    public int geteuid() {
        return c.geteuid();
    }

    @Override
    public void mknod(String path, int mode, int major, int minor) throws ErrnoException {
        long dev = ((long) (major & 0xfffff000) << 32) | ((major & 0xfffL) << 8)
                | ((long) (minor & 0xffffff00) << 12) | (minor & 0xffL);
        if (c.mknod(path, mode, dev) < 0)
            throw new ErrnoException("mknod(" + path + ", 0" + Integer.toOctalString(mode) + ", " + major + ":" + minor + ")", Native.getLastError());
    }

    @Override
    public void lchown(String path, int uid, int gid) throws ErrnoException {
        if (c.lchown(path, uid, gid) < 0) throw new ErrnoException("lchown(" + path + ", " + uid + ", " + gid + ")", Native.getLastError());
    }

    @Override
    public void chmod(String path, int mode) throws ErrnoException {
        if (c.chmod(path, mode) < 0) throw new ErrnoException("chmod(" + path + ", 0" + Integer.toOctalString(mode) + ")", Native.getLastError());
    }

    @Override
    public void lsetxattr(String path, String name, byte[] value) throws ErrnoException {
        if (c.lsetxattr(path, name, value, value.length, 0) < 0)
            throw new ErrnoException("lsetxattr(" + path + ", " + name + ")", Native.getLastError());
    }

    @Override
    public byte[] lgetxattr(String path, String name) throws ErrnoException {
        byte[] buf = new byte[65536];
        long n = c.lgetxattr(path, name, buf, buf.length);
        if (n < 0) {
            int e = Native.getLastError();
            if (e == 61) return null; // ENODATA
            throw new ErrnoException("lgetxattr(" + path + ", " + name + ")", e);
        }
        return java.util.Arrays.copyOf(buf, (int) n);
    }

    private static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;

    @Override
    public void lutimes(String path, long atimeNanos, long mtimeNanos) throws ErrnoException {
        long[] ts = {atimeNanos / 1_000_000_000L, atimeNanos % 1_000_000_000L, mtimeNanos / 1_000_000_000L, mtimeNanos % 1_000_000_000L};
        if (c.utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0)
            throw new ErrnoException("utimensat(" + path + ")", Native.getLastError());
    }
}
