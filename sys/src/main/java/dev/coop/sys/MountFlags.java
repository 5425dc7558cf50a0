package dev.coop.sys;

/** mount(2) flags, as the kernel numbers them. */
public final class MountFlags {
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32,
            MS_BIND = 4096, MS_REC = 16384, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_RELATIME = 1 << 21,
            MS_STRICTATIME = 1 << 24;

    private MountFlags() {}
}
