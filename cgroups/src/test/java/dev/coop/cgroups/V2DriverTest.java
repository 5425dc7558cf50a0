package dev.coop.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V2DriverTest {
    @TempDir
    Path tmp;

    private CgroupDriver driver(String controllers) throws Exception {
        FakeCgroupfs.v2Root(tmp, controllers);
        return CgroupDriver.fromMountinfo(FakeCgroupfs.v2Mountinfo(), tmp, new FakeCgroupfs.RecordingSyscalls())
                .withRmdir(FakeCgroupfs::rmdirLikeKernel);
    }

    @Test
    void detectsUnifiedHierarchy() throws Exception {
        CgroupDriver d = driver("cpu io memory pids");
        assertEquals("v2", d.name());
        assertTrue(d.describe().contains("cgroup v2"));
        assertTrue(d.v1Controllers().isEmpty());
    }

    @Test
    void writesEveryLimitInTheKernelsFormat() throws Exception {
        CgroupManager m = driver("cpuset cpu io memory hugetlb pids").manager("c1");
        Resources r = Resources.builder().memoryMax(256L << 20).memoryHigh(200L << 20).memorySwap(512L << 20)
                .cpus(1.5).cpuWeight(500).pidsMax(64L).io(new IoLimit(8, 0, IoLimit.Kind.READ_BPS, 1048576))
                .build();
        m.create(r);
        Path dir = tmp.resolve("sys/fs/cgroup/coop/c1");
        assertEquals("268435456", Files.readString(dir.resolve("memory.max")));
        assertEquals("209715200", Files.readString(dir.resolve("memory.high")));
        assertEquals("268435456", Files.readString(dir.resolve("memory.swap.max")), "swap alone = total - memory");
        assertEquals("150000 100000", Files.readString(dir.resolve("cpu.max")));
        assertEquals("500", Files.readString(dir.resolve("cpu.weight")));
        assertEquals("64", Files.readString(dir.resolve("pids.max")));
        assertEquals("8:0 rbps=1048576", Files.readString(dir.resolve("io.max")));
        assertEquals(dir.resolve("cgroup.procs"), m.procsFiles().get(0));
        // the fake keeps only the last write; each controller was delegated by its own write
        assertTrue(Files.readString(tmp.resolve("sys/fs/cgroup/coop/cgroup.subtree_control")).startsWith("+"));
    }

    @Test
    void unlimitedSwapIsMax() throws Exception {
        CgroupManager m = driver("memory").manager("c2");
        m.create(Resources.builder().memoryMax(64L << 20).memorySwap(Resources.UNLIMITED).build());
        assertEquals("max", Files.readString(tmp.resolve("sys/fs/cgroup/coop/c2/memory.swap.max")));
    }

    @Test
    void missingControllerIsNamedAndNothingIsCreated() throws Exception {
        CgroupManager m = driver("cpu memory").manager("c3");
        CgroupException e = assertThrows(CgroupException.class, () -> m.create(Resources.builder().pidsMax(5L).build()));
        assertTrue(e.getMessage().contains("'pids'"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("sys/fs/cgroup/coop/c3")));
    }

    @Test
    void failureHalfWayRemovesTheCgroup() throws Exception {
        CgroupManager m = driver("cpu io memory pids").manager("c4");
        // io.weight needs io.weight or io.bfq.weight, which the fake does not have
        CgroupException e = assertThrows(CgroupException.class, () -> m.create(Resources.builder().ioWeight(100).build()));
        assertTrue(e.getMessage().contains("BFQ"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("sys/fs/cgroup/coop/c4")));
    }

    @Test
    void readsStatsAndOomKills() throws Exception {
        CgroupManager m = driver("cpu io memory pids").manager("c5");
        m.create(Resources.none());
        Path dir = tmp.resolve("sys/fs/cgroup/coop/c5");
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        Files.writeString(dir.resolve("memory.current"), "1048576\n");
        Files.writeString(dir.resolve("memory.peak"), "2097152\n");
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        Files.writeString(dir.resolve("pids.current"), "3\n");
        Files.writeString(dir.resolve("io.stat"), "8:0 rbytes=100 wbytes=50 rios=1 wios=1\n8:16 rbytes=1 wbytes=2 rios=1 wios=1\n");
        CgroupStats s = m.stats();
        assertEquals(2_500_000, s.cpuUsageNanos());
        assertEquals(1048576, s.memoryCurrent());
        assertEquals(2097152, s.memoryPeak());
        assertEquals(101, s.ioReadBytes());
        assertEquals(52, s.ioWriteBytes());
        assertEquals(3, s.pidsCurrent());
        assertEquals(1, s.oomKills());
        assertEquals(1, m.oomKills());
    }

    @Test
    void destroyKillsThroughCgroupKillThenRemoves() throws Exception {
        CgroupManager m = driver("memory").manager("c6");
        m.create(Resources.none());
        Path dir = tmp.resolve("sys/fs/cgroup/coop/c6");
        Files.writeString(dir.resolve("cgroup.procs"), ""); // empty: nothing left to kill
        m.destroy();
        assertFalse(Files.exists(dir));
        m.destroy(); // idempotent
    }
}
