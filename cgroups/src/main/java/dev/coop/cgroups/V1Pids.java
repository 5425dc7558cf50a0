package dev.coop.cgroups;

import java.nio.file.Path;

/** cgroup v1 pids: the same files as v2. */
final class V1Pids implements Controller {
    private final V2Pids same = new V2Pids();

    @Override public String name() { return "pids"; }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        same.apply(dir, r);
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        same.readStats(dir, s);
    }
}
