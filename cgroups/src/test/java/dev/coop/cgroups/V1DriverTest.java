package dev.coop.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V1DriverTest {
    @TempDir
    Path tmp;

    private CgroupDriver driver() throws Exception {
        FakeCgroupfs.hybridRoot(tmp);
        return CgroupDriver.fromMountinfo(FakeCgroupfs.hybridMountinfo(), tmp, new FakeCgroupfs.RecordingSyscalls())
                .withRmdir(FakeCgroupfs::rmdirLikeKernel);
    }

    @Test
    void hybridHostChoosesV1AndListsControllers() throws Exception {
        CgroupDriver d = driver();
        assertEquals("v1", d.name());
        assertTrue(d.v1Controllers().containsAll(java.util.List.of("memory", "cpu", "cpuacct", "pids", "blkio")));
    }

    @Test
    void writesLimitsIntoEachHierarchy() throws Exception {
        CgroupManager m = driver().manager("c1");
        // memsw exists only with swap accounting: the fake kernel has it
        Files.createDirectories(tmp.resolve("sys/fs/cgroup/memory/coop/c1"));
        Files.writeString(tmp.resolve("sys/fs/cgroup/memory/coop/c1/memory.memsw.limit_in_bytes"), "");
        m.create(Resources.builder().memoryMax(64L << 20).memorySwap(128L << 20).cpus(0.5).cpuWeight(100)
                .pidsMax(10L).io(new IoLimit(254, 0, IoLimit.Kind.WRITE_IOPS, 100)).build());
        Path cg = tmp.resolve("sys/fs/cgroup");
        assertEquals("67108864", Files.readString(cg.resolve("memory/coop/c1/memory.limit_in_bytes")));
        assertEquals("134217728", Files.readString(cg.resolve("memory/coop/c1/memory.memsw.limit_in_bytes")));
        assertEquals("100000", Files.readString(cg.resolve("cpu/coop/c1/cpu.cfs_period_us")));
        assertEquals("50000", Files.readString(cg.resolve("cpu/coop/c1/cpu.cfs_quota_us")));
        assertEquals("2597", Files.readString(cg.resolve("cpu/coop/c1/cpu.shares")), "runc's linear weight-to-shares map");
        assertEquals("10", Files.readString(cg.resolve("pids/coop/c1/pids.max")));
        assertEquals("254:0 100", Files.readString(cg.resolve("blkio/coop/c1/blkio.throttle.write_iops_device")));
        assertEquals("c 10:200 rwm", Files.readString(cg.resolve("devices/coop/c1/devices.allow")), "last allow rule");
        assertEquals("a", Files.readString(cg.resolve("devices/coop/c1/devices.deny")));
        assertEquals(7, m.procsFiles().size());
    }

    @Test
    void sharesMappingMatchesRuncAtTheEnds() {
        assertEquals(2, V1Cpu.sharesOf(1));
        assertEquals(262144, V1Cpu.sharesOf(10000));
    }

    @Test
    void swapWithoutAccountingIsExplainedAndRolledBack() throws Exception {
        CgroupManager m = driver().manager("c2");
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.create(Resources.builder().memoryMax(64L << 20).memorySwap(128L << 20).build()));
        assertTrue(e.getMessage().contains("swapaccount=1"), e.getMessage());
        assertFalse(m.exists());
    }

    @Test
    void oomKillsComeFromOomControl() throws Exception {
        CgroupManager m = driver().manager("c3");
        m.create(Resources.none());
        Files.writeString(tmp.resolve("sys/fs/cgroup/memory/coop/c3/memory.oom_control"),
                "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        assertEquals(2, m.oomKills());
        assertEquals(2, m.stats().oomKills());
    }

    @Test
    void killAllFreezesKillsEachPidAndThaws() throws Exception {
        FakeCgroupfs.hybridRoot(tmp);
        FakeCgroupfs.RecordingSyscalls sys = new FakeCgroupfs.RecordingSyscalls() {
            @Override
            public void kill(int pid, dev.coop.sys.Signal signal) {
                super.kill(pid, signal);
                try { // the fake kernel removes a killed task from the group
                    Files.writeString(tmp.resolve("sys/fs/cgroup/freezer/coop/c4/cgroup.procs"), "");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        CgroupManager m = CgroupDriver.fromMountinfo(FakeCgroupfs.hybridMountinfo(), tmp, sys).withRmdir(FakeCgroupfs::rmdirLikeKernel).manager("c4");
        m.create(Resources.none());
        Path freezer = tmp.resolve("sys/fs/cgroup/freezer/coop/c4");
        Files.writeString(freezer.resolve("cgroup.procs"), "41\n42\n");
        Files.writeString(freezer.resolve("freezer.state"), "FROZEN");
        m.killAll();
        assertTrue(sys.calls.contains("kill 41 SIGKILL") || sys.calls.contains("kill 42 SIGKILL"), sys.calls.toString());
        assertEquals("THAWED", Files.readString(freezer.resolve("freezer.state")));
    }

    @Test
    void noHierarchyAtAllIsAnError() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupDriver.fromMountinfo("26 1 0:23 / /proc rw - proc proc rw\n", tmp, new FakeCgroupfs.RecordingSyscalls()));
        assertTrue(e.getMessage().contains("no usable cgroup hierarchy"));
    }
}
