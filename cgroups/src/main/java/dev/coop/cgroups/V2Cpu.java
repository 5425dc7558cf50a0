package dev.coop.cgroups;

import java.nio.file.Path;

/** cgroup v2 cpu: cpu.max is "quota period" in microseconds, cpu.weight is 1..10000. */
final class V2Cpu implements Controller {
    @Override public String name() { return "cpu"; }

    @Override
    public boolean needed(Resources r) {
        return r.cpuQuotaUs() != null || r.cpuWeight() != null;
    }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        if (r.cpuQuotaUs() != null)
            CgroupFiles.write(dir.resolve("cpu.max"), r.cpuQuotaUs() + " " + r.cpuPeriodUs());
        if (r.cpuWeight() != null) CgroupFiles.write(dir.resolve("cpu.weight"), r.cpuWeight().toString());
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        Long usec = CgroupFiles.readFlatKeyed(dir.resolve("cpu.stat")).get("usage_usec");
        s.cpuUsageNanos = usec == null ? -1 : usec * 1000;
    }
}
