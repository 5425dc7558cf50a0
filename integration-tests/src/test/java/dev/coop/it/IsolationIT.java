package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a process sees from inside a container, checked from inside. */
class IsolationIT extends KernelTest {
    private static Coop.Result sh(String script, String... opts) {
        java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("--rm"));
        options.addAll(java.util.List.of(opts));
        return Coop.run(Coop.runArgs(options, "sh", "-c", script));
    }

    @Test
    void commandIsPid1AndSeesOnlyItsOwnProcesses() {
        Coop.Result r = sh("echo $$; ls -d /proc/[0-9]* | wc -l; cat /proc/1/cmdline | tr '\\0' ' '");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals("1", lines[0]);
        assertTrue(Integer.parseInt(lines[1].trim()) <= 3, "only the shell and its children: " + r);
        assertTrue(lines[2].startsWith("sh -c"), r.toString());
    }

    @Test
    void hostnameDefaultsToTheShortIdAndCanBeSet() {
        Coop.Result r = sh("hostname");
        assertTrue(r.out().trim().matches("[0-9a-f]{12}"), r.toString());
        assertEquals("box1", sh("hostname", "--hostname", "box1").out().trim());
    }

    @Test
    void rootIsPivotedAndHostMountsAreInvisible() throws Exception {
        Coop.Result r = sh("cat /proc/self/mountinfo; echo ---; ls /");
        assertEquals(0, r.code(), r.toString());
        String mounts = r.out().split("---")[0];
        assertTrue(mounts.lines().anyMatch(l -> l.contains(" / / ") && l.contains(" - overlay ")), mounts);
        // Mount points, not options: the overlay's options name its host directories, as docker's do.
        java.util.List<String> points = mounts.lines().map(l -> l.split(" ")[4]).toList();
        for (String p : points) {
            assertTrue(p.equals("/") || p.matches("/(proc|sys|dev)(/.*)?"), "host mount visible: " + p + "\n" + mounts);
        }
        assertFalse(r.out().split("---")[1].contains("work"), "the host's root is not reachable");
    }

    @Test
    void pseudoFilesystemsAreMountedLikeRuncs() {
        Coop.Result r = sh("ls /dev | tr '\\n' ' '; echo; grep -E ' /(sys|proc/sys|dev/pts|dev/shm|dev/mqueue|sys/fs/cgroup/memory) ' /proc/self/mountinfo;"
                + " echo x > /proc/sys/kernel/domainname 2>/dev/null && echo WROTE-PROC-SYS; touch /sys/x 2>/dev/null && echo WROTE-SYS;"
                + " echo keys=$(wc -c < /proc/keys); echo hi > /dev/null && echo null-ok; head -c 4 /dev/urandom | wc -c");
        assertEquals(0, r.code(), r.toString());
        for (String dev : new String[] {"null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "mqueue", "fd", "stdin"}) {
            assertTrue(r.out().lines().findFirst().orElse("").contains(dev), dev + " missing: " + r);
        }
        assertTrue(r.out().contains(" /sys ") && r.out().lines().anyMatch(l -> l.contains(" /sys ") && l.contains(" ro,")), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.contains(" /proc/sys ") && l.contains(" ro,")), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.contains(" /dev/pts ") && l.contains("devpts")), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.contains(" /dev/mqueue ") && l.contains("mqueue")), r.toString());
        assertFalse(r.out().contains("WROTE"), r.toString());
        assertTrue(r.out().contains("keys=0"), "/proc/keys is masked: " + r);
        assertTrue(r.out().contains("null-ok"), r.toString());
    }

    @Test
    void networkHasOnlyLoopbackAndItIsUp() {
        Coop.Result r = sh("ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags");
        assertEquals(0, r.code(), r.toString());
        String[] l = r.out().split("\n");
        assertEquals("lo", l[0], r.toString());
        assertEquals(1, Integer.decode(l[2].trim()) & 1, "IFF_UP: " + r);
    }

    @Test
    void ipcAndUtsAreNamespaced() throws Exception {
        String hostUts = Files.readSymbolicLink(Path.of("/proc/self/ns/uts")).toString();
        String hostIpc = Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString();
        String hostCg = Files.readSymbolicLink(Path.of("/proc/self/ns/cgroup")).toString();
        Coop.Result r = sh("readlink /proc/self/ns/uts /proc/self/ns/ipc /proc/self/ns/cgroup; cat /proc/self/cgroup | head -3");
        assertFalse(r.out().contains(hostUts) || r.out().contains(hostIpc) || r.out().contains(hostCg), r.toString());
        assertTrue(r.out().lines().skip(3).allMatch(l -> l.endsWith(":/")), "cgroup namespace rooted at the container: " + r);
    }

    @Test
    void capabilitiesAreReducedAndNoNewPrivsIsSet() {
        Coop.Result r = sh("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
        assertTrue(r.out().contains("CapEff:\t00000000a80425fb"), r.toString());
        assertTrue(r.out().contains("CapBnd:\t00000000a80425fb"), r.toString());
        assertTrue(r.out().contains("NoNewPrivs:\t1"), r.toString());
        Coop.Result p = sh("grep -E '^(CapEff|NoNewPrivs)' /proc/self/status", "--privileged");
        assertFalse(p.out().contains("a80425fb"), "privileged keeps every capability: " + p);
        assertTrue(p.out().contains("NoNewPrivs:\t0"), p.toString());
    }

    @Test
    void envWorkdirAndUserApply() {
        Coop.Result r = sh("echo $FOO; pwd; id -u; id -g; echo $HOME", "-e", "FOO=bar baz", "-w", "/tmp", "-u", "65534:65534");
        assertEquals(0, r.code(), r.toString());
        assertEquals("bar baz\n/tmp\n65534\n65534\n/home\n", r.out());
        Coop.Result caps = sh("grep CapEff /proc/self/status", "-u", "1000");
        assertTrue(caps.out().contains("CapEff:\t0000000000000000"), "a non-root user has no effective caps: " + caps);
    }

    @Test
    void exitCodesPassThrough() {
        assertEquals(42, sh("exit 42").code());
        assertEquals(0, sh("true").code());
        // PID 1 ignores signals sent from inside its namespace, even SIGKILL: death by signal is
        // tested from the host in SignalsIT.
        assertEquals(0, sh("kill -9 $$; echo survived").code());
    }

    @Test
    void standardStreamsPassThrough() {
        Coop.Result r = Coop.runWithInput("from stdin\n", "run", "--rm", "--rootfs", Coop.rootfs().toString(), "sh", "-c", "cat; echo err >&2");
        assertEquals("from stdin\n", r.out());
        assertTrue(r.err().contains("err"), r.toString());
    }

    @Test
    void writesStayInTheContainersOwnLayer() throws Exception {
        Path rootfs = Coop.rootfs();
        Coop.Result r = sh("echo new > /etc/new-file; rm /bin/ls; echo changed >> /etc/passwd; ls /etc/new-file");
        assertEquals(0, r.code(), r.toString());
        assertFalse(Files.exists(rootfs.resolve("etc/new-file")));
        assertTrue(Files.isSymbolicLink(rootfs.resolve("bin/ls")), "the lower layer keeps what the container deleted");
        assertFalse(Files.readString(rootfs.resolve("etc/passwd")).contains("changed"));
    }
}
