package dev.coop.cgroups;

import java.nio.file.Path;

/** cgroup v2 pids: fork fails with EAGAIN once pids.current reaches pids.max. */
final class V2Pids implements Controller {
    @Override public String name() { return "pids"; }

    @Override
    public boolean needed(Resources r) {
        return r.pidsMax() != null;
    }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        if (r.pidsMax() != null) CgroupFiles.write(dir.resolve("pids.max"), V2Memory.max(r.pidsMax()));
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        s.pidsCurrent = CgroupFiles.readLong(dir.resolve("pids.current"));
    }
}
