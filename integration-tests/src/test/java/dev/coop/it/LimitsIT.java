package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Limits set through cgroups, read back and enforced from inside the container. */
class LimitsIT extends KernelTest {
    private static Coop.Result run(List<String> options, String... command) {
        List<String> o = new java.util.ArrayList<>(List.of("--rm"));
        o.addAll(options);
        return Coop.run(Coop.runArgs(o, command));
    }

    private static boolean v2() {
        return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
    }

    @Test
    void limitsAreVisibleInsideTheContainer() {
        String read = v2()
                ? "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/pids.max"
                : "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) "
                        + "$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us); cat /sys/fs/cgroup/pids/pids.max";
        Coop.Result r = run(List.of("--memory", "64m", "--cpus", "0.5", "--pids-limit", "20"), "sh", "-c", read);
        assertEquals(0, r.code(), r.toString());
        assertEquals("67108864\n50000 100000\n20\n", r.out());
    }

    @Test
    void pidsLimitStopsForkBombs() {
        // Counted with shell builtins only: once the limit is reached, nothing can fork.
        String current = v2() ? "/sys/fs/cgroup/pids.current" : "/sys/fs/cgroup/pids/pids.current";
        Coop.Result r = run(List.of("--pids-limit", "10"), "sh", "-c",
                "(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 5 & done) 2>/dev/null;"
                        + " read n < " + current + "; echo $n");
        assertEquals(0, r.code(), r.toString());
        int count = Integer.parseInt(r.out().trim());
        assertTrue(count > 1 && count <= 10, "pids.max=10 let " + count + " processes exist: " + r);
    }

    @Test
    void oomKillIsReportedWith137AndTheLimit() {
        // tail buffers its whole input when asked for the last line of an endless one: about 8MB/s
        // of /dev/zero in memory, far above a 16 MiB limit.
        Coop.Result r = run(List.of("--memory", "16m", "--memory-swap", "16m"), "sh", "-c", "tail /dev/zero");
        assertEquals(137, r.code(), r.toString());
        assertTrue(r.err().matches("(?s).*coop: container [0-9a-f]{12} was killed by the OOM killer \\(memory limit 16MiB\\).*"), r.err());
    }

    @Test
    void oomScoreAdjIsApplied() {
        Coop.Result r = run(List.of("--oom-score-adj", "500"), "cat", "/proc/self/oom_score_adj");
        assertEquals("500\n", r.out(), r.toString());
    }

    @Test
    void ioThrottleIsWrittenForTheDevice() throws Exception {
        String dev = blockDevice();
        Path node = Path.of("/dev/" + dev);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(node), "no /dev node for " + dev);
        String majmin = Files.readString(Path.of("/sys/block/" + dev + "/dev")).trim();
        String read = v2() ? "cat /sys/fs/cgroup/io.max" : "cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device";
        Coop.Result r = run(List.of("--io-read-bps", node + ":1m"), "sh", "-c", read);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(majmin) && r.out().contains("1048576"), r.toString());
    }

    static String blockDevice() throws Exception {
        try (var s = Files.list(Path.of("/sys/block"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("loop") && !n.startsWith("ram"))
                    .sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void statsAreReadFromTheCgroup() {
        Coop.Result r = run(List.of("--memory", "64m", "--stats"), "sh", "-c", "head -c 8000000 /dev/urandom > /tmp/x; sleep 0.1");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.err().trim().split("\n");
        assertTrue(lines[0].matches("CONTAINER\\s+CPU TIME\\s+MEM USAGE\\s+MEM PEAK\\s+MEM LIMIT.*OOM KILLS"), r.err());
        String[] cells = lines[1].trim().split("\\s{2,}");
        assertTrue(cells[3].endsWith("MiB"), "peak memory above the 8MB written to tmpfs-backed upper: " + r.err());
        assertEquals("64MiB", cells[4]);
        assertEquals("0", cells[8]);
    }
}
