package dev.coop.cgroups;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits of one container. Absent limits are null (or empty); {@link #UNLIMITED} means "max".
 * Validation happens here, before anything touches a cgroup, so a bad limit changes nothing.
 */
public record Resources(Long memoryMax, Long memoryHigh, Long memorySwap, Long cpuQuotaUs, long cpuPeriodUs,
                        Integer cpuWeight, Long pidsMax, List<IoLimit> ioLimits, Integer ioWeight,
                        boolean restrictDevices) {
    public static final long UNLIMITED = -1;
    /** What the stage, the pseudo filesystems and a shell need to start at all: docker's minimum. */
    public static final long MIN_MEMORY = 6L << 20;
    public static final long DEFAULT_CPU_PERIOD_US = 100_000;

    public Resources {
        ioLimits = List.copyOf(ioLimits);
        if (memoryMax != null && memoryMax != UNLIMITED && memoryMax < MIN_MEMORY)
            throw new IllegalArgumentException("memory limit " + ByteSize.format(memoryMax)
                    + " is below the minimum of " + ByteSize.format(MIN_MEMORY) + " a container needs to start");
        if (memoryHigh != null && memoryHigh != UNLIMITED && memoryHigh < MIN_MEMORY)
            throw new IllegalArgumentException("memory-high " + ByteSize.format(memoryHigh)
                    + " is below the minimum of " + ByteSize.format(MIN_MEMORY));
        if (memorySwap != null && memorySwap != UNLIMITED) {
            if (memoryMax == null || memoryMax == UNLIMITED)
                throw new IllegalArgumentException("--memory-swap needs --memory: it is the total of memory and swap");
            if (memorySwap < memoryMax)
                throw new IllegalArgumentException("memory-swap " + ByteSize.format(memorySwap)
                        + " must be at least the memory limit " + ByteSize.format(memoryMax) + " (it is memory plus swap)");
        }
        if (cpuPeriodUs < 1000 || cpuPeriodUs > 1_000_000)
            throw new IllegalArgumentException("cpu period must be between 1000 and 1000000 us");
        if (cpuQuotaUs != null && cpuQuotaUs < 1000)
            throw new IllegalArgumentException("cpu quota is below the kernel's minimum of 1ms per period");
        if (cpuWeight != null && (cpuWeight < 1 || cpuWeight > 10000))
            throw new IllegalArgumentException("cpu weight must be between 1 and 10000, got " + cpuWeight);
        if (pidsMax != null && pidsMax != UNLIMITED && pidsMax < 1)
            throw new IllegalArgumentException("pids limit must be at least 1, got " + pidsMax);
        if (ioWeight != null && (ioWeight < 1 || ioWeight > 10000))
            throw new IllegalArgumentException("io weight must be between 1 and 10000, got " + ioWeight);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Resources none() {
        return builder().build();
    }

    public static final class Builder {
        private Long memoryMax, memoryHigh, memorySwap, cpuQuotaUs, pidsMax;
        private long cpuPeriodUs = DEFAULT_CPU_PERIOD_US;
        private Integer cpuWeight, ioWeight;
        private final List<IoLimit> io = new ArrayList<>();
        private boolean restrictDevices = true;

        public Builder memoryMax(Long v) { memoryMax = v; return this; }
        public Builder memoryHigh(Long v) { memoryHigh = v; return this; }
        public Builder memorySwap(Long v) { memorySwap = v; return this; }
        public Builder cpus(double cpus) {
            if (!(cpus > 0) || cpus > 1024) throw new IllegalArgumentException("--cpus must be a positive number of CPUs, got " + cpus);
            cpuQuotaUs = Math.round(cpus * cpuPeriodUs);
            return this;
        }
        public Builder cpuQuota(Long quotaUs, long periodUs) { cpuQuotaUs = quotaUs; cpuPeriodUs = periodUs; return this; }
        public Builder cpuWeight(Integer v) { cpuWeight = v; return this; }
        public Builder pidsMax(Long v) { pidsMax = v; return this; }
        public Builder io(IoLimit limit) { io.add(limit); return this; }
        public Builder ioWeight(Integer v) { ioWeight = v; return this; }
        public Builder restrictDevices(boolean v) { restrictDevices = v; return this; }

        public Resources build() {
            return new Resources(memoryMax, memoryHigh, memorySwap, cpuQuotaUs, cpuPeriodUs, cpuWeight, pidsMax, io,
                    ioWeight, restrictDevices);
        }
    }
}
