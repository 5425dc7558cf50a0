package dev.coop.cgroups;

import java.nio.file.Path;

/** cgroup v1 cpuacct: accounting only. */
final class V1Cpuacct implements Controller {
    @Override public String name() { return "cpuacct"; }

    @Override
    public void apply(Path dir, Resources r) {}

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        s.cpuUsageNanos = CgroupFiles.readLong(dir.resolve("cpuacct.usage"));
    }
}
