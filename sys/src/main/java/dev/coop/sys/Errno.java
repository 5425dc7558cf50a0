package dev.coop.sys;

import java.util.Map;

/** The one place raw errno values become names; callers compare against these constants. */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9,
            ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EBUSY = 16, EEXIST = 17,
            ENOTDIR = 20, EINVAL = 22, ENOSPC = 28, EPIPE = 32;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(EIO, "EIO"), Map.entry(EBADF, "EBADF"),
            Map.entry(ECHILD, "ECHILD"), Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"), Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"),
            Map.entry(ENOTDIR, "ENOTDIR"), Map.entry(EINVAL, "EINVAL"), Map.entry(ENOSPC, "ENOSPC"),
            Map.entry(EPIPE, "EPIPE"));

    private Errno() {}

    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    static String describe(int errno) {
        try {
            return LibC.INSTANCE.strerror(errno);
        } catch (LinkageError e) {
            return "errno " + errno;
        }
    }
}
