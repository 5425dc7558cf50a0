package dev.coop.cgroups;

import java.nio.file.Path;

/** cgroup v1 freezer: no limits; it lets a kill go through the process list with nothing forking. */
final class V1Freezer implements Controller {
    @Override public String name() { return "freezer"; }

    @Override
    public void apply(Path dir, Resources r) {}

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) {}
}
