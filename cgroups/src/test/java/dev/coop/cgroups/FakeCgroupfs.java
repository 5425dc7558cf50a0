package dev.coop.cgroups;

import dev.coop.sys.ErrnoException;
import dev.coop.sys.Fd;
import dev.coop.sys.Signal;
import dev.coop.sys.SpawnSpec;
import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A cgroupfs made of plain files in a temp dir, and a Syscalls fake that records kills. */
final class FakeCgroupfs {
    static class RecordingSyscalls implements Syscalls {
        final List<String> calls = new ArrayList<>();

        @Override public Fd[] socketpair() { throw new UnsupportedOperationException(); }
        @Override public int spawn(SpawnSpec spec) { throw new UnsupportedOperationException(); }
        @Override public void kill(int pid, Signal signal) { calls.add("kill " + pid + " " + signal); }
        @Override public int waitpid(int pid) throws ErrnoException { throw new UnsupportedOperationException(); }
        @Override public int geteuid() { return 0; }
        @Override public void mknod(String path, int mode, int major, int minor) { throw new UnsupportedOperationException(); }
        @Override public void lchown(String path, int uid, int gid) { throw new UnsupportedOperationException(); }
        @Override public void chmod(String path, int mode) { throw new UnsupportedOperationException(); }
        @Override public void lsetxattr(String path, String name, byte[] value) { throw new UnsupportedOperationException(); }
        @Override public void lutimes(String path, long a, long m) { throw new UnsupportedOperationException(); }
        @Override public byte[] lgetxattr(String path, String name) { throw new UnsupportedOperationException(); }
    }

    static String v2Mountinfo() {
        return "25 1 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
                + "26 1 0:23 / /proc rw - proc proc rw\n";
    }

    static String hybridMountinfo() {
        StringBuilder sb = new StringBuilder("24 1 0:21 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n");
        int id = 30;
        for (String c : List.of("cpu", "cpuacct", "memory", "pids", "blkio", "devices", "freezer")) {
            sb.append(id++).append(" 24 0:").append(id).append(" / /sys/fs/cgroup/").append(c)
                    .append(" rw,relatime - cgroup cgroup rw,").append(c).append('\n');
        }
        sb.append("40 24 0:40 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
        return sb.toString();
    }

    static Path v2Root(Path tmp, String controllers) throws IOException {
        Path root = tmp.resolve("sys/fs/cgroup");
        Files.createDirectories(root);
        Files.writeString(root.resolve("cgroup.controllers"), controllers);
        return root;
    }

    static void hybridRoot(Path tmp) throws IOException {
        for (String c : List.of("cpu", "cpuacct", "memory", "pids", "blkio", "devices", "freezer")) {
            Files.createDirectories(tmp.resolve("sys/fs/cgroup/" + c));
        }
        Files.createDirectories(tmp.resolve("sys/fs/cgroup/unified"));
        Files.writeString(tmp.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "");
    }

    /** The kernel's rmdir on cgroupfs: the interface files go with the group; child groups block it. */
    static void rmdirLikeKernel(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            for (Path e : entries.toList()) {
                if (Files.isDirectory(e)) throw new java.nio.file.DirectoryNotEmptyException(dir.toString());
                Files.delete(e);
            }
        }
        Files.delete(dir);
    }

    private FakeCgroupfs() {}
}
