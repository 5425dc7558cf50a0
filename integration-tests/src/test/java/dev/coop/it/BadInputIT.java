package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every bad request gets a clear message and the right exit code, and leaves nothing behind. */
class BadInputIT extends KernelTest {
    private static String rootfs() {
        return Coop.rootfs().toString();
    }

    @Test
    void missingRootfs() {
        Coop.Result r = Coop.run("run", "--rm", "--rootfs", "/nonexistent/rootfs", "true");
        assertEquals(125, r.code(), r.toString());
        assertTrue(r.err().contains("--rootfs /nonexistent/rootfs does not exist"), r.toString());
    }

    @Test
    void rootfsThatIsAFile() {
        Coop.Result r = Coop.run("run", "--rm", "--rootfs", rootfs() + "/bin/busybox", "true");
        assertEquals(125, r.code(), r.toString());
        assertTrue(r.err().contains("is not a directory"), r.toString());
    }

    @Test
    void commandNotInTheRootfs() {
        Coop.Result r = Coop.run("run", "--rm", "--rootfs", rootfs(), "nosuchprogram", "arg");
        assertEquals(127, r.code(), r.toString());
        assertEquals("coop: executable file not found in rootfs: nosuchprogram\n", r.err());
        Coop.Result abs = Coop.run("run", "--rm", "--rootfs", rootfs(), "/usr/bin/nope");
        assertEquals(127, abs.code(), abs.toString());
    }

    @Test
    void failedStartWithoutRmIsKeptAndShownTruthfully() {
        Coop.Result r = Coop.run("run", "--name", "broken1", "--rootfs", rootfs(), "nosuchprogram");
        assertEquals(127, r.code(), r.toString());
        Coop.Result ps = Coop.run("ps");
        assertTrue(ps.out().lines().anyMatch(l -> l.contains("broken1") && l.contains("exited (127): executable file not found")), ps.toString());
        assertEquals(0, Coop.run("rm", "broken1").code());
    }

    @Test
    void unparseableLimitsAreUsageErrors() {
        for (List<String> bad : List.of(List.of("--memory", "lots"), List.of("--cpus", "x"), List.of("--pids-limit", "many"),
                List.of("--io-read-bps", "/dev/null:1m"), List.of("--io-write-bps", "nodev"), List.of("--cpu-weight", "0"),
                List.of("--memory", "64m", "--memory-swap", "32m"))) {
            List<String> args = new java.util.ArrayList<>(List.of("run", "--rm", "--rootfs", rootfs()));
            args.addAll(bad);
            args.add("true");
            Coop.Result r = Coop.run(args.toArray(new String[0]));
            assertEquals(2, r.code(), bad + ": " + r);
            assertTrue(r.err().startsWith("coop: ") || r.err().contains("Invalid value"), bad + ": " + r);
        }
    }

    @Test
    void memoryBelowTheRuntimesNeedIsRefused() {
        Coop.Result r = Coop.run("run", "--rm", "--rootfs", rootfs(), "--memory", "1m", "true");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("below the minimum of 6MiB"), r.toString());
    }

    @Test
    void duplicateName() {
        Coop.Result a = Coop.run("run", "-d", "--name", "dup", "--rootfs", rootfs(), "sleep", "30");
        assertEquals(0, a.code(), a.toString());
        Coop.Result b = Coop.run("run", "-d", "--name", "dup", "--rootfs", rootfs(), "true");
        assertEquals(125, b.code(), b.toString());
        assertTrue(b.err().contains("the name 'dup' is already in use"), b.toString());
        assertEquals(0, Coop.run("rm", "-f", "dup").code());
    }

    @Test
    void unknownContainer() {
        Coop.Result r = Coop.run("rm", "nosuchcontainer");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no such container: nosuchcontainer"), r.toString());
    }

    @Test
    void ioWeightIsAppliedOrRefusedWithTheReason() {
        // Whether a weight file exists depends on the device's IO scheduler (BFQ adds one to
        // child cgroups only), so either outcome is legitimate, but it must be the right one.
        String read = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))
                ? "cat /sys/fs/cgroup/io.weight /sys/fs/cgroup/io.bfq.weight 2>/dev/null"
                : "cat /sys/fs/cgroup/blkio/blkio.weight /sys/fs/cgroup/blkio/blkio.bfq.weight 2>/dev/null";
        Coop.Result r = Coop.run("run", "--rm", "--rootfs", rootfs(), "--io-weight", "100", "sh", "-c", read + "; true");
        if (r.code() == 0) {
            // v1 range 10..1000 from the v2 range 1..10000, runc's linear mapping: 100 -> 19
            assertTrue(r.out().contains("19") || r.out().contains("default 100"), r.toString());
        } else {
            assertEquals(125, r.code(), r.toString());
            assertTrue(r.err().contains("BFQ"), r.toString());
        }
    }

    @Test
    void notRoot() {
        Coop.Result r = Coop.runWith(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), null,
                "run", "--rm", "--rootfs", rootfs(), "true");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("coop must run as root"), r.toString());
    }

    /**
     * kill -9 of `coop run` at many points of creation: whatever it left, `coop ps` must name a
     * true status and `coop rm -f` must remove every trace (checked by the leak check).
     */
    @Test
    void killMinus9HalfWayThroughCreation() throws Exception {
        for (int delay : new int[] {120, 180, 220, 260, 300, 350, 450}) {
            Process p = Coop.builder(List.of(), "run", "--rootfs", rootfs(), "--memory", "32m", "sleep", "30").start();
            Thread.sleep(delay);
            p.destroyForcibly().waitFor();
            Coop.Result ps = Coop.run("ps", "--json");
            assertEquals(0, ps.code(), ps.toString());
            for (String status : ps.out().lines().filter(l -> l.contains("\"status\"")).toList()) {
                assertTrue(status.matches(".*\"(running|exited|broken|creating)\".*"), status);
            }
            for (String id : Coop.run("ps", "-q").out().trim().split("\n")) {
                if (id.isBlank()) continue;
                Coop.Result rm = Coop.run("rm", "-f", id);
                assertEquals(0, rm.code(), "delay " + delay + ": " + rm);
            }
        }
        assertFalse(Coop.run("ps", "-q").out().contains("\n"), "all removed");
    }
}
