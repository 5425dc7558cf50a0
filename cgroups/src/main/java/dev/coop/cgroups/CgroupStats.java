package dev.coop.cgroups;

/** Counters read from a container's cgroup; -1 where this host's kernel does not report one. */
public record CgroupStats(long cpuUsageNanos, long memoryCurrent, long memoryPeak, long ioReadBytes,
                          long ioWriteBytes, long pidsCurrent, long oomKills) {

    static final class Builder {
        long cpuUsageNanos = -1, memoryCurrent = -1, memoryPeak = -1, ioReadBytes = -1, ioWriteBytes = -1,
                pidsCurrent = -1, oomKills = -1;

        CgroupStats build() {
            return new CgroupStats(cpuUsageNanos, memoryCurrent, memoryPeak, ioReadBytes, ioWriteBytes, pidsCurrent, oomKills);
        }
    }
}
