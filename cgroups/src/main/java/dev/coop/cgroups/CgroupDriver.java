package dev.coop.cgroups;

import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cgroup hierarchy this host uses, detected once from mountinfo: the unified (v2) hierarchy
 * when cgroup2 is mounted with controllers, otherwise the v1 controller hierarchies. Never a
 * silent fallback: {@link #describe()} says which was chosen and {@code coop info} prints it.
 */
public final class CgroupDriver {
    private final Path v2Root;
    private final Map<String, Path> v1Mounts;
    private final Syscalls sys;
    private DirManager.Rmdir rmdir = Files::delete;

    private CgroupDriver(Path v2Root, Map<String, Path> v1Mounts, Syscalls sys) {
        this.v2Root = v2Root;
        this.v1Mounts = v1Mounts;
        this.sys = sys;
    }

    public static CgroupDriver detect() throws CgroupException {
        try {
            return fromMountinfo(Files.readString(Path.of("/proc/self/mountinfo")), Path.of("/"), Syscalls.linux());
        } catch (IOException e) {
            throw new CgroupException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
    }

    /**
     * @param prefix prepended to every mount point (a fake cgroupfs in tests)
     */
    public static CgroupDriver fromMountinfo(String mountinfo, Path prefix, Syscalls sys) throws CgroupException {
        Path v2 = null;
        Map<String, Path> v1 = new TreeMap<>();
        for (String line : mountinfo.split("\n")) {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash < 0 || f.length < dash + 4) continue;
            String fstype = f[dash + 1];
            Path mountPoint = prefix.resolve(unescape(f[4]).substring(1));
            if (fstype.equals("cgroup2")) {
                Path controllers = mountPoint.resolve("cgroup.controllers");
                if (v2 == null && hasControllers(controllers)) v2 = mountPoint;
            } else if (fstype.equals("cgroup")) {
                for (String opt : f[dash + 3].split(",")) {
                    if (V1Manager.CONTROLLERS.stream().anyMatch(c -> c.name().equals(opt))) v1.putIfAbsent(opt, mountPoint);
                }
            }
        }
        // A pure v2 host has no v1 controllers; a hybrid host's cgroup2 mount has none of its own.
        if (v2 != null && v1.isEmpty()) return new CgroupDriver(v2, Map.of(), sys);
        if (!v1.isEmpty()) return new CgroupDriver(null, Map.copyOf(v1), sys);
        throw new CgroupException("no usable cgroup hierarchy: mount cgroup2 on /sys/fs/cgroup"
                + " (or the v1 controllers) to run containers with limits");
    }

    private static boolean hasControllers(Path file) {
        try {
            return !Files.readString(file).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** For a fake cgroupfs made of plain files, whose rmdir must behave like the kernel's. */
    CgroupDriver withRmdir(DirManager.Rmdir r) {
        this.rmdir = r;
        return this;
    }

    public String name() {
        return v2Root != null ? "v2" : "v1";
    }

    public String describe() {
        if (v2Root != null) return "cgroup v2 (unified) at " + v2Root;
        StringBuilder sb = new StringBuilder("cgroup v1 (hybrid/legacy):");
        v1Mounts.forEach((c, p) -> sb.append(' ').append(c).append('=').append(p));
        return sb.toString();
    }

    /**
     * The v1 controllers this host mounts (each becomes /sys/fs/cgroup/NAME inside a container);
     * empty on a v2 host, where one cgroup2 mount shows everything.
     */
    public java.util.List<String> v1Controllers() {
        return java.util.List.copyOf(v1Mounts.keySet());
    }

    /** The cgroup of a coop container: coop/NAME in each hierarchy. */
    public CgroupManager manager(String name) {
        if (!name.matches("[A-Za-z0-9_.+-]+")) throw new IllegalArgumentException("invalid cgroup name " + name);
        return managerAt(V1Manager.PARENT + "/" + name);
    }

    /**
     * A cgroup at a path below the hierarchies' roots (an OCI bundle's linux.cgroupsPath).
     * Systemd-style "slice:prefix:name" paths are refused: coop drives cgroupfs directly.
     */
    public CgroupManager managerAt(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.contains(":")) throw new IllegalArgumentException("systemd cgroup paths (" + path + ") are not supported: coop manages cgroupfs directly");
        for (String part : p.split("/")) {
            if (!part.matches("[A-Za-z0-9_.+@-]+") || part.equals("..") || part.equals("."))
                throw new IllegalArgumentException("invalid cgroup path " + path);
        }
        Path rel = Path.of(p);
        return v2Root != null ? new V2Manager(v2Root, rel, sys, rmdir) : new V1Manager(v1Mounts, rel, sys, rmdir);
    }
}
