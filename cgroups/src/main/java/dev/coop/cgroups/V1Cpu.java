package dev.coop.cgroups;

import java.nio.file.Path;

/** cgroup v1 cpu: CFS bandwidth (period before quota) and shares. */
final class V1Cpu implements Controller {
    @Override public String name() { return "cpu"; }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        if (r.cpuQuotaUs() != null) {
            CgroupFiles.write(dir.resolve("cpu.cfs_period_us"), Long.toString(r.cpuPeriodUs()));
            CgroupFiles.write(dir.resolve("cpu.cfs_quota_us"), Long.toString(r.cpuQuotaUs()));
        }
        if (r.cpuWeight() != null) CgroupFiles.write(dir.resolve("cpu.shares"), Long.toString(sharesOf(r.cpuWeight())));
    }

    /** The inverse of the shares-to-weight mapping runc and systemd use (2..262144 onto 1..10000). */
    static long sharesOf(int weight) {
        return 2 + ((long) (weight - 1) * 262142) / 9999;
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) {
        // usage comes from cpuacct, which this host mounts separately
    }
}
