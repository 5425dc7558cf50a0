package dev.coop.cgroups;

import java.nio.file.Path;

/** One cgroup controller of one driver: applies its part of the limits and reads its counters. */
interface Controller {
    /** The controller's name as the kernel spells it (memory, cpu, io, blkio, pids, ...). */
    String name();

    /** Whether these resources need this controller at all. */
    default boolean needed(Resources r) {
        return true;
    }

    void apply(Path dir, Resources r) throws CgroupException;

    void readStats(Path dir, CgroupStats.Builder stats) throws CgroupException;
}
