package dev.coop.cgroups;

import java.nio.file.Path;

/**
 * cgroup v1 memory. v1 has no memory.high; the soft limit is its nearest equivalent (the kernel
 * reclaims the group down to it under pressure). memsw is memory plus swap, like --memory-swap,
 * and must be written after the memory limit it may not fall below.
 */
final class V1Memory implements Controller {
    @Override public String name() { return "memory"; }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        if (r.memoryMax() != null) CgroupFiles.write(dir.resolve("memory.limit_in_bytes"), Long.toString(r.memoryMax()));
        if (r.memoryHigh() != null)
            CgroupFiles.write(dir.resolve("memory.soft_limit_in_bytes"), Long.toString(r.memoryHigh()));
        if (r.memorySwap() != null) {
            Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
            if (!java.nio.file.Files.exists(memsw))
                throw new CgroupException("--memory-swap needs swap accounting, which this kernel has off"
                        + " (boot with swapaccount=1)");
            CgroupFiles.write(memsw, Long.toString(r.memorySwap()));
        }
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        s.memoryCurrent = CgroupFiles.readLong(dir.resolve("memory.usage_in_bytes"));
        s.memoryPeak = CgroupFiles.readLong(dir.resolve("memory.max_usage_in_bytes"));
        s.oomKills = oomKills(dir);
    }

    /** memory.oom_control carries an oom_kill counter since Linux 4.13. */
    static long oomKills(Path dir) throws CgroupException {
        return CgroupFiles.readFlatKeyed(dir.resolve("memory.oom_control")).getOrDefault("oom_kill", 0L);
    }
}
