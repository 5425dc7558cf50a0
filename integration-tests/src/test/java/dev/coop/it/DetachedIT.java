package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Detached containers: watched by their native monitor only; every verb works from a new JVM. */
class DetachedIT extends KernelTest {
    private static String start(List<String> options, String... command) {
        List<String> o = new java.util.ArrayList<>(List.of("-d"));
        o.addAll(options);
        String[] args = Coop.runArgs(o, command);
        Coop.Result r = Coop.run(args);
        assertEquals(0, r.code(), r.toString());
        String id = r.out().trim();
        assertTrue(id.matches("[0-9a-f]{64}"), r.toString());
        return id;
    }

    @Test
    void lifecycleRunPsLogsStopRm() {
        String id = start(List.of("--name", "web"), "sh", "-c", "echo hello from $(hostname); exec sleep 60");
        Coop.Result ps = Coop.run("ps");
        assertTrue(ps.out().lines().anyMatch(l -> l.startsWith(id.substring(0, 12)) && l.contains("web") && l.contains("running")), ps.toString());
        assertTrue(ps.out().lines().findFirst().orElse("").matches("CONTAINER ID\\s+NAME\\s+COMMAND\\s+CREATED\\s+STATUS\\s+PID"), ps.out());
        String logs = "";
        for (int i = 0; i < 50 && !logs.contains("hello"); i++) logs = Coop.run("logs", "web").out();
        assertEquals("hello from " + id.substring(0, 12) + "\n", logs);

        Coop.Result rm = Coop.run("rm", "web");
        assertEquals(1, rm.code(), "rm refuses a running container: " + rm);
        assertTrue(rm.err().contains("coop rm -f"), rm.toString());

        // sleep as PID 1 ignores SIGTERM (no handler), so stop must escalate to SIGKILL
        Coop.Result stop = Coop.run("stop", "-t", "1", "web");
        assertEquals(0, stop.code(), stop.toString());
        Coop.Result w = Coop.run("wait", "--json", "web");
        assertTrue(w.out().contains("\"exitCode\" : 137") && w.out().contains("\"oomKilled\" : false"), w.toString());
        assertTrue(Coop.run("ps").out().contains("exited (137)"));
        assertEquals(0, Coop.run("rm", "web").code());
        assertFalse(Coop.run("ps", "-q").out().contains(id.substring(0, 12)));
    }

    @Test
    void killSendsTheSignalToPid1() {
        String id = start(List.of("--init"), "sleep", "60");
        assertEquals(0, Coop.run("kill", id.substring(0, 8), "TERM").code());
        Coop.Result w = Coop.run("wait", id);
        assertEquals("143\n", w.out(), w.toString());
        assertEquals(0, Coop.run("rm", id).code());
    }

    @Test
    void waitReportsAnOomKill() {
        String id = start(List.of("--memory", "16m", "--memory-swap", "16m"), "sh", "-c", "tail /dev/zero");
        Coop.Result w = Coop.run("wait", id);
        assertEquals("137 (oom-killed)\n", w.out(), w.toString());
        assertTrue(Coop.run("ps").out().contains("exited (137) oom-killed"));
        assertEquals(0, Coop.run("rm", id).code());
    }

    @Test
    void detachedRmRemovesItselfWhenDone() throws Exception {
        String id = start(List.of("--rm"), "true");
        for (int i = 0; i < 100 && Coop.run("ps", "-q").out().contains(id.substring(0, 12)); i++) Thread.sleep(100);
        assertFalse(Coop.run("ps", "-q").out().contains(id.substring(0, 12)), "the monitor ran coop rm");
    }

    @Test
    void noJvmStaysAliveForADetachedContainer() throws Exception {
        String id = start(List.of(), "sleep", "60");
        List<String> javas = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("coop-cli.jar")).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
        assertEquals(List.of(), javas);
        Coop.Result stats = Coop.run("stats", "--json", id);
        assertTrue(stats.out().contains("\"pids\" : 1"), stats.toString());
        assertEquals(0, Coop.run("rm", "-f", id).code());
    }

    @Test
    void rmForceKillsEverythingInTheContainer() {
        String id = start(List.of(), "sh", "-c", "sleep 60 & sleep 60 & exec sleep 60");
        Coop.Result rm = Coop.run("rm", "-f", id);
        assertEquals(0, rm.code(), rm.toString());
        assertNotEquals("", rm.out());
    }
}
