package dev.coop.runtime.internal;

import static dev.coop.sys.MountFlags.MS_NODEV;
import static dev.coop.sys.MountFlags.MS_NOEXEC;
import static dev.coop.sys.MountFlags.MS_NOSUID;
import static dev.coop.sys.MountFlags.MS_RDONLY;
import static dev.coop.sys.MountFlags.MS_REMOUNT;
import static dev.coop.sys.MountFlags.MS_STRICTATIME;

import java.nio.file.Path;
import java.util.List;

/**
 * The mounts, device nodes and links that make a container's root, as stage operations, in the
 * order runc uses: the root, /proc, /sys, /dev and what lives in it, then masked and read-only
 * paths last (they cover paths under /proc and /sys, which must be mounted first).
 */
public final class RootfsPlanner {
    /** runc's defaults: paths that leak host information or kernel controls. */
    public static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    public static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    /** Character devices every container gets: name, major, minor. */
    private static final Object[][] DEVICES = {
            {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};

    private RootfsPlanner() {}

    /**
     * @param v1Controllers the host's v1 controllers, or empty on a cgroup v2 host
     */
    public static void plan(StagePlan p, Path root, String overlayData, boolean privileged, List<String> v1Controllers) {
        String r = root.toString();
        p.put("root", r);
        p.op("mount", "overlay", r, "overlay", "0", overlayData, "d");
        p.op("mount", "proc", r + "/proc", "proc", flags(MS_NOSUID | MS_NODEV | MS_NOEXEC), "", "d");
        p.op("mount", "sysfs", r + "/sys", "sysfs",
                flags(MS_NOSUID | MS_NODEV | MS_NOEXEC | (privileged ? 0 : MS_RDONLY)), "", "d");
        cgroupMounts(p, r, privileged, v1Controllers);
        p.op("mount", "tmpfs", r + "/dev", "tmpfs", flags(MS_NOSUID | MS_STRICTATIME), "mode=755,size=65536k", "d");
        devices(p, r);
        // A private devpts instance: the container sees only its own terminals.
        p.op("mount", "devpts", r + "/dev/pts", "devpts", flags(MS_NOSUID | MS_NOEXEC),
                "newinstance,ptmxmode=0666,mode=0620,gid=5", "d");
        p.op("symlink", "pts/ptmx", r + "/dev/ptmx");
        p.op("mount", "shm", r + "/dev/shm", "tmpfs", flags(MS_NOSUID | MS_NODEV | MS_NOEXEC), "mode=1777,size=65536k", "d");
        // mqueue belongs to the IPC namespace of the mounting process: the container's new one.
        p.op("mount", "mqueue", r + "/dev/mqueue", "mqueue", flags(MS_NOSUID | MS_NODEV | MS_NOEXEC), "", "d");
        devLinks(p, r);
        if (privileged) return;
        masks(p, r, MASKED, READONLY);
    }

    /** The character devices every container gets (runc's defaults), in ROOT/dev. */
    public static void devices(StagePlan p, String r) {
        for (Object[] d : DEVICES) p.op("mknod", r + "/dev/" + d[0], "20666", d[1].toString(), d[2].toString());
    }

    /** /dev/fd, stdin, stdout, stderr and core, as runc links them. */
    public static void devLinks(StagePlan p, String r) {
        p.op("symlink", "/proc/self/fd", r + "/dev/fd");
        p.op("symlink", "/proc/self/fd/0", r + "/dev/stdin");
        p.op("symlink", "/proc/self/fd/1", r + "/dev/stdout");
        p.op("symlink", "/proc/self/fd/2", r + "/dev/stderr");
        p.op("symlink", "/proc/kcore", r + "/dev/core");
    }

    /** Masked and read-only paths: last, since they cover mounts made before them. */
    public static void masks(StagePlan p, String r, List<String> masked, List<String> readonly) {
        for (String m : masked) p.put("mask", r + m);
        for (String m : readonly) p.put("ro", r + m);
    }

    /**
     * The container's own cgroups, read-only: mounted after the cgroup namespace was entered, each
     * hierarchy shows the container's cgroup as its root, so a process sees its limits and nothing
     * of the host's tree.
     */
    public static void cgroupMounts(StagePlan p, String r, boolean privileged, List<String> v1Controllers) {
        long ro = MS_NOSUID | MS_NODEV | MS_NOEXEC | (privileged ? 0 : MS_RDONLY);
        String base = r + "/sys/fs/cgroup";
        if (v1Controllers.isEmpty()) {
            p.op("mount", "cgroup2", base, "cgroup2", flags(ro), "", "d");
            return;
        }
        p.op("mount", "tmpfs", base, "tmpfs", flags(MS_NOSUID | MS_NODEV | MS_NOEXEC), "mode=755", "d");
        for (String c : v1Controllers) p.op("mount", "cgroup", base + "/" + c, "cgroup", flags(ro), c, "d");
        p.op("mount", "", base, "", flags(MS_REMOUNT | ro), "mode=755", "d");
    }

    static String flags(long f) {
        return Long.toString(f);
    }
}
