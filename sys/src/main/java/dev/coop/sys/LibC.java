package dev.coop.sys;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/** Raw libc bindings. Package-private: callers use {@link Syscalls}, which never leaks raw results. */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int socketpair(int domain, int type, int protocol, int[] sv);
    long read(int fd, Memory buf, long count);
    long write(int fd, byte[] buf, long count);
    int close(int fd);
    int kill(int pid, int sig);
    int waitpid(int pid, IntByReference status, int options);
    int geteuid();
    int getpid();
    String strerror(int errnum);

    int mknod(String path, int mode, long dev);
    int lchown(String path, int uid, int gid);
    int chmod(String path, int mode);
    int lsetxattr(String path, String name, byte[] value, long size, int flags);
    long lgetxattr(String path, String name, byte[] value, long size);
    int utimensat(int dirfd, String path, long[] times, int flags);

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);
    int posix_spawn_file_actions_init(Pointer fa);
    int posix_spawn_file_actions_destroy(Pointer fa);
    int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);
    int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int oflag, int mode);
    int posix_spawnattr_init(Pointer attr);
    int posix_spawnattr_destroy(Pointer attr);
    int posix_spawnattr_setflags(Pointer attr, short flags);
    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);
    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);
    int sigemptyset(Pointer set);
    int sigfillset(Pointer set);
}
