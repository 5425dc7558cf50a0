package dev.coop.runtime;

import dev.coop.cgroups.CgroupStats;

/**
 * How a container ended.
 *
 * @param exitCode  the program's exit code, or 128 + the signal that killed it
 * @param oomKilled whether the kernel's OOM killer killed a process of the container
 * @param stats     the cgroup's counters just before it was removed (null if not asked for)
 */
public record ExitResult(int exitCode, boolean oomKilled, long memoryLimit, CgroupStats stats) {}
