package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signals and terminals between the host, `coop run` and the container's PID 1. */
class SignalsIT extends KernelTest {
    /** The pid (as the host sees it) of the single running container of this test. */
    static int waitForContainerPid() throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.isDirectory(Coop.STATE)) {
                try (var dirs = Files.list(Coop.STATE)) {
                    for (Path d : dirs.toList()) {
                        Path pid = d.resolve("pid");
                        if (Files.exists(pid)) return Integer.parseInt(Files.readString(pid).trim().split(" ")[0]);
                    }
                }
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no container started");
    }

    @Test
    void sigtermToCoopRunReachesPid1() throws Exception {
        // With --init, PID 1 forwards SIGTERM to sleep, which dies of it: 128 + 15.
        Process p = Coop.builder(List.of(), "run", "--rm", "--init", "--rootfs", Coop.rootfs().toString(), "sleep", "30").start();
        waitForContainerPid();
        Thread.sleep(200);
        p.toHandle().destroy(); // SIGTERM to the coop process
        Coop.Result r = Coop.finish(p, null, 20);
        assertEquals(143, r.code(), r.toString());
    }

    @Test
    void sigintToCoopRunReachesAShellThatTrapsIt() throws Exception {
        Process p = Coop.builder(List.of(), "run", "--rm", "--rootfs", Coop.rootfs().toString(), "sh", "-c",
                "trap 'echo got-INT; exit 7' INT; echo ready; while :; do sleep 0.1; done").start();
        waitForContainerPid();
        Thread.sleep(300);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        Coop.Result r = Coop.finish(p, null, 20);
        assertEquals(7, r.code(), r.toString());
        assertTrue(r.out().contains("got-INT"), r.toString());
    }

    @Test
    void deathBySignalIs128PlusN() throws Exception {
        Process p = Coop.builder(List.of(), "run", "--rm", "--rootfs", Coop.rootfs().toString(), "sleep", "30").start();
        int pid = waitForContainerPid();
        new ProcessBuilder("kill", "-KILL", Integer.toString(pid)).start().waitFor();
        Coop.Result r = Coop.finish(p, null, 20);
        assertEquals(137, r.code(), r.toString());
    }

    @Test
    void initReapsOrphanedZombies() {
        // The orphan's parent exits at once; without a reaping init it would stay a zombie.
        Coop.Result r = Coop.run("run", "--rm", "--init", "--rootfs", Coop.rootfs().toString(), "sh", "-c",
                "sh -c 'sleep 0.2 &' ; sleep 0.6; grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l");
        assertEquals(0, r.code(), r.toString());
        assertEquals("0", r.out().trim(), "zombies left: " + r);
    }

    @Test
    void ttyGivesTheContainerAPseudoTerminal() throws Exception {
        // script(1) gives coop a terminal of its own, as an interactive shell would.
        String cmd = String.join(" ", Coop.LAUNCHER.toString(), "run", "--rm", "-t", "--rootfs", Coop.rootfs().toString(),
                "sh", "-c", "'tty; stty size'");
        Coop.Result r = Coop.runWithScript(cmd);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("/dev/pts/0"), r.toString());
    }
}
