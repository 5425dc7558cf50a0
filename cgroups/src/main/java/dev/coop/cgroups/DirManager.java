package dev.coop.cgroups;

import dev.coop.sys.Errno;
import dev.coop.sys.ErrnoException;
import dev.coop.sys.Signal;
import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What both drivers share: directories per controller, rollback on failure, kill and removal. */
abstract class DirManager implements CgroupManager {
    /** A controller and the directory it is applied in. */
    record Binding(Controller controller, Path dir) {}

    private static final long KILL_TIMEOUT_MS = 10_000;

    /** rmdir(2): on cgroupfs it removes a group whose only entries are interface files. */
    interface Rmdir {
        void rmdir(Path dir) throws IOException;
    }

    protected final Syscalls sys;
    private final Rmdir rmdir;

    DirManager(Syscalls sys, Rmdir rmdir) {
        this.sys = sys;
        this.rmdir = rmdir;
    }

    abstract List<Binding> bindings();

    /** The directory whose cgroup.procs lists every process of the container. */
    abstract Path primary();

    abstract void prepareParents(Resources r) throws CgroupException;

    @Override
    public abstract void freeze(boolean frozen) throws CgroupException;

    /** Kills every process at once where the kernel can (v2's cgroup.kill); false otherwise. */
    boolean killFile() throws CgroupException {
        return false;
    }

    List<Path> dirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Binding b : bindings()) dirs.add(b.dir());
        return new ArrayList<>(dirs);
    }

    @Override
    public List<Path> procsFiles() {
        return dirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    @Override
    public boolean exists() {
        return dirs().stream().anyMatch(Files::isDirectory);
    }

    @Override
    public void create(Resources r) throws CgroupException {
        prepareParents(r);
        try {
            for (Path d : dirs()) {
                if (Files.isDirectory(d)) {
                    // A leftover of a crashed run under an id nobody holds: take it only if empty.
                    if (!CgroupFiles.readPids(d.resolve("cgroup.procs")).isEmpty())
                        throw new CgroupException("cgroup " + d + " already exists and has processes in it");
                    continue;
                }
                Files.createDirectories(d);
            }
            for (Binding b : bindings()) b.controller().apply(b.dir(), r);
        } catch (CgroupException | IOException | RuntimeException e) {
            removeDirs(e);
            if (e instanceof CgroupException ce) throw ce;
            throw new CgroupException("cannot create cgroup: " + e.getMessage(), e);
        }
    }

    @Override
    public void update(Resources r) throws CgroupException {
        if (!exists()) throw new CgroupException("cgroup " + primary() + " does not exist");
        for (Binding b : bindings()) {
            if (b.controller().needed(r) && Files.isDirectory(b.dir())) b.controller().apply(b.dir(), r);
        }
    }

    private void removeDirs(Exception cause) {
        List<Path> ds = dirs();
        for (int i = ds.size() - 1; i >= 0; i--) {
            try {
                if (Files.isDirectory(ds.get(i))) rmdir.rmdir(ds.get(i));
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }

    @Override
    public CgroupStats stats() throws CgroupException {
        CgroupStats.Builder s = new CgroupStats.Builder();
        for (Binding b : bindings()) {
            if (Files.isDirectory(b.dir())) b.controller().readStats(b.dir(), s);
        }
        return s.build();
    }

    @Override
    public Set<Integer> pids() throws CgroupException {
        return CgroupFiles.readPids(primary().resolve("cgroup.procs"));
    }

    @Override
    public void killAll() throws CgroupException {
        if (!Files.isDirectory(primary())) return;
        long deadline = System.currentTimeMillis() + KILL_TIMEOUT_MS;
        Set<Integer> pids = pids();
        while (!pids.isEmpty()) {
            if (!killFile()) {
                // Frozen, nothing can fork while we go through the list, so no child escapes it.
                freeze(true);
                try {
                    for (int pid : pids) {
                        try {
                            sys.kill(pid, Signal.SIGKILL);
                        } catch (ErrnoException e) {
                            if (e.errno() != Errno.ESRCH) throw new CgroupException("cannot kill pid " + pid + ": " + e.getMessage(), e);
                        }
                    }
                } finally {
                    freeze(false);
                }
            }
            if (System.currentTimeMillis() > deadline)
                throw new CgroupException("processes " + pids + " in " + primary() + " survived SIGKILL for "
                        + KILL_TIMEOUT_MS / 1000 + "s (stuck in uninterruptible sleep?)");
            sleep(5);
            pids = pids();
        }
    }

    @Override
    public void destroy() throws CgroupException {
        if (!exists()) return;
        killAll();
        List<Path> ds = dirs();
        for (int i = ds.size() - 1; i >= 0; i--) {
            Path d = ds.get(i);
            // The kernel may still be tearing down the last exited task: rmdir says EBUSY briefly.
            for (int attempt = 0; ; attempt++) {
                try {
                    if (Files.isDirectory(d)) rmdir.rmdir(d);
                    break;
                } catch (java.nio.file.FileSystemException e) { // ENOTEMPTY or EBUSY
                    if (attempt >= 200) throw new CgroupException("cannot remove cgroup " + d + ": " + CgroupFiles.reason(e), e);
                    sleep(5);
                } catch (IOException e) {
                    throw new CgroupException("cannot remove cgroup " + d + ": " + CgroupFiles.reason(e), e);
                }
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
