package dev.coop.cgroups;

import java.nio.file.Path;

/** cgroup v2 memory: memory.max is the hard limit (OOM kill above it), memory.high throttles. */
final class V2Memory implements Controller {
    @Override public String name() { return "memory"; }

    @Override
    public boolean needed(Resources r) {
        return r.memoryMax() != null || r.memoryHigh() != null || r.memorySwap() != null;
    }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        if (r.memoryMax() != null) CgroupFiles.write(dir.resolve("memory.max"), max(r.memoryMax()));
        if (r.memoryHigh() != null) CgroupFiles.write(dir.resolve("memory.high"), max(r.memoryHigh()));
        if (r.memorySwap() != null) {
            // docker's --memory-swap is memory plus swap; v2 limits swap alone.
            long swap = r.memorySwap() == Resources.UNLIMITED ? -1 : r.memorySwap() - r.memoryMax();
            CgroupFiles.write(dir.resolve("memory.swap.max"), max(swap));
        }
    }

    static String max(long v) {
        return v < 0 ? "max" : Long.toString(v);
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        s.memoryCurrent = CgroupFiles.readLong(dir.resolve("memory.current"));
        s.memoryPeak = CgroupFiles.readLong(dir.resolve("memory.peak")); // kernel 5.19+
        s.oomKills = oomKills(dir);
    }

    /** memory.events counts OOM kills in this cgroup and below it. */
    static long oomKills(Path dir) throws CgroupException {
        return CgroupFiles.readFlatKeyed(dir.resolve("memory.events")).getOrDefault("oom_kill", 0L);
    }
}
