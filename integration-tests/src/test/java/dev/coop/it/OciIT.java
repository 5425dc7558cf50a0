package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coop-oci against runc on the same bundles: the same observable results. */
class OciIT extends KernelTest {
    static final Path COOP_OCI = Path.of(System.getProperty("coop.oci", "../cli/target/coop/bin/coop-oci")).toAbsolutePath();

    @TempDir
    Path tmp;

    /** A runtime's command line, with its own state root. */
    private List<String> cmd(String runtime, String... args) {
        List<String> c = new ArrayList<>();
        c.add(runtime.equals("runc") ? "runc" : COOP_OCI.toString());
        c.add("--root");
        c.add(tmp.resolve(runtime + "-root").toString());
        c.addAll(List.of(args));
        return c;
    }

    /**
     * Runs a runtime command with its output in files, not pipes: `create` hands its standard
     * streams to the container's init (as engines expect), which would hold a pipe open.
     */
    private Coop.Result oci(String runtime, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt"), err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd(runtime, args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd(runtime, args)) + " did not finish in 60s");
        }
        return new Coop.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A bundle from `coop-oci spec` with the busybox rootfs and the given command. */
    private Path bundle(String name, String script) throws Exception {
        Path b = tmp.resolve(name);
        Files.createDirectories(b);
        Coop.sh("cp", "-a", Coop.rootfs().toString(), b.resolve("rootfs").toString());
        assertEquals(0, Coop.finish(new ProcessBuilder(COOP_OCI.toString(), "spec", "-b", b.toString()).start(), null, 30).code());
        String cfg = Files.readString(b.resolve("config.json"));
        String quoted = script.replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(b.resolve("config.json"), cfg.replace("\"args\": [\"sh\"]", "\"args\": [\"sh\", \"-c\", \"" + quoted + "\"]"));
        return b;
    }

    private static void assumeRunc() {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")),
                "comparing with runc needs Debian's runc package");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "coop"})
    void runGivesTheSameOutputAndExitCode(String runtime) throws Exception {
        assumeRunc();
        Path b = bundle("b-" + runtime, "echo pid=$$ host=$(hostname); grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status;"
                + " ls /sys/class/net; touch /x 2>/dev/null || echo ro-root; exit 3");
        Coop.Result r = oci(runtime, "run", "-b", b.toString(), "c1");
        assertEquals(3, r.code(), r.toString());
        assertEquals("pid=1 host=coop\nCapEff:\t0000000020000420\nCapBnd:\t0000000020000420\nNoNewPrivs:\t1\nlo\nro-root\n", r.out(), runtime);
        assertEquals("ID   PID   STATUS   BUNDLE   CREATED   OWNER", oci(runtime, "list").out().trim().replaceAll("\\s+", "   "),
                runtime + " run removes the container");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "coop"})
    void createStartStateKillDelete(String runtime) throws Exception {
        assumeRunc();
        Path b = bundle("l-" + runtime, "exec sleep 30");
        Path pidFile = tmp.resolve(runtime + ".pid");
        assertEquals(0, oci(runtime, "create", "-b", b.toString(), "--pid-file", pidFile.toString(), "c2").code());
        String created = oci(runtime, "state", "c2").out();
        assertTrue(created.replace(" ", "").contains("\"status\":\"created\""), runtime + ": " + created);
        String pid = Files.readString(pidFile).trim();
        assertTrue(created.replace(" ", "").contains("\"pid\":" + pid), runtime + ": " + created);
        for (String key : List.of("ociVersion", "id", "status", "pid", "bundle")) assertTrue(created.contains("\"" + key + "\""), key);
        assertEquals(0, oci(runtime, "start", "c2").code());
        String running = oci(runtime, "state", "c2").out().replace(" ", "");
        assertTrue(running.contains("\"status\":\"running\""), runtime + ": " + running);
        Coop.Result refused = oci(runtime, "delete", "c2");
        assertEquals(1, refused.code(), runtime + " refuses to delete a running container");
        assertEquals(0, oci(runtime, "kill", "c2", "KILL").code());
        for (int i = 0; i < 100 && !oci(runtime, "state", "c2").out().replace(" ", "").contains("\"status\":\"stopped\""); i++) Thread.sleep(20);
        assertTrue(oci(runtime, "state", "c2").out().replace(" ", "").contains("\"status\":\"stopped\""), runtime);
        assertEquals(0, oci(runtime, "delete", "c2").code());
        assertEquals(1, oci(runtime, "state", "c2").code(), runtime + ": gone after delete");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "coop"})
    void pauseResumeAndPs(String runtime) throws Exception {
        assumeRunc();
        Path b = bundle("p-" + runtime, "sleep 30 & exec sleep 30");
        Path pidFile = tmp.resolve(runtime + "-p.pid");
        assertEquals(0, oci(runtime, "create", "-b", b.toString(), "--pid-file", pidFile.toString(), "c6").code());
        assertEquals(0, oci(runtime, "start", "c6").code());
        String pid = Files.readString(pidFile).trim();
        Coop.Result ps = oci(runtime, "ps", "--format", "json", "c6");
        assertEquals(0, ps.code(), ps.toString());
        assertTrue(ps.out().contains(pid) && ps.out().split(",").length == 2, runtime + ": init and its child: " + ps.out());
        assertEquals(0, oci(runtime, "pause", "c6").code());
        assertTrue(oci(runtime, "state", "c6").out().replace(" ", "").contains("\"status\":\"paused\""), runtime);
        assertEquals(1, oci(runtime, "pause", "c6").code(), runtime + ": pausing twice is an error");
        assertEquals(0, oci(runtime, "resume", "c6").code());
        assertTrue(oci(runtime, "state", "c6").out().replace(" ", "").contains("\"status\":\"running\""), runtime);
        assertEquals(0, oci(runtime, "delete", "--force", "c6").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "coop"})
    void execRunsInTheContainersNamespacesAndCgroup(String runtime) throws Exception {
        assumeRunc();
        Path b = bundle("x-" + runtime, "exec sleep 30");
        assertEquals(0, oci(runtime, "create", "-b", b.toString(), "c7").code());
        assertEquals(0, oci(runtime, "start", "c7").code());
        Coop.Result r = oci(runtime, "exec", "c7", "sh", "-c", "hostname; cat /proc/1/cmdline; echo; grep CapEff /proc/self/status;"
                + " cat /proc/self/cgroup | grep -c ':/$'; exit 4");
        assertEquals(4, r.code(), runtime + ": " + r);
        String[] lines = r.out().split("\n");
        assertEquals("coop", lines[0], runtime);
        assertEquals("sleep 30 ", lines[1].replace('\0', ' '), runtime + ": sees the container's PID 1");
        assertEquals("CapEff:\t0000000020000420", lines[2], runtime);
        assertTrue(Integer.parseInt(lines[3].trim()) >= 1, runtime + ": in the container's cgroup namespace: " + r.out());
        Coop.Result envRun = oci(runtime, "exec", "--env", "X=42", "c7", "sh", "-c", "echo $X");
        assertEquals("42\n", envRun.out(), runtime);
        assertEquals(0, oci(runtime, "kill", "c7", "KILL").code());
        for (int i = 0; i < 100 && !oci(runtime, "state", "c7").out().replace(" ", "").contains("\"status\":\"stopped\""); i++) Thread.sleep(20);
        assertEquals(255, oci(runtime, "exec", "c7", "true").code(), runtime + ": no exec into a stopped container");
        assertEquals(0, oci(runtime, "delete", "c7").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "coop"})
    void updateChangesLimitsOfARunningContainer(String runtime) throws Exception {
        assumeRunc();
        Path b = bundle("u-" + runtime, "exec sleep 30");
        assertEquals(0, oci(runtime, "create", "-b", b.toString(), "c8").code());
        assertEquals(0, oci(runtime, "start", "c8").code());
        Coop.Result u = oci(runtime, "update", "--memory", "33554432", "--pids-limit", "7", "c8");
        assertEquals(0, u.code(), runtime + ": " + u);
        Coop.Result r = oci(runtime, "exec", "c8", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null"
                + " || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max");
        assertEquals("33554432\n7\n", r.out(), runtime + ": " + r);
        assertEquals(0, oci(runtime, "delete", "--force", "c8").code());
    }

    @Test
    void eventsReportStatsAndOomKills() throws Exception {
        Path b = bundle("ev", "sleep 1; tail /dev/zero; sleep 30");
        String cfg = Files.readString(b.resolve("config.json"));
        Files.writeString(b.resolve("config.json"), cfg.replace("\"resources\": {",
                "\"resources\": {\"memory\": {\"limit\": 16777216, \"swap\": 16777216},"));
        assertEquals(0, oci("coop", "create", "-b", b.toString(), "c9").code());
        Coop.Result stats = oci("coop", "events", "--stats", "c9");
        assertTrue(stats.out().startsWith("{\"type\":\"stats\",\"id\":\"c9\",\"data\":{"), stats.toString());
        Process events = new ProcessBuilder(cmd("coop", "events", "--interval", "60", "c9")).redirectErrorStream(true).start();
        try {
            assertEquals(0, oci("coop", "start", "c9").code());
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(events.getInputStream()));
            String line;
            boolean oom = false;
            long deadline = System.currentTimeMillis() + 20_000;
            while (!oom && System.currentTimeMillis() < deadline && (line = reader.readLine()) != null) {
                oom = line.equals("{\"type\":\"oom\",\"id\":\"c9\"}");
            }
            assertTrue(oom, "an oom event was reported");
        } finally {
            events.destroy();
            events.waitFor();
            oci("coop", "delete", "--force", "c9");
        }
    }

    @Test
    void errorsAreJsonLinesInTheLogWhenAsked() throws Exception {
        Path log = tmp.resolve("log.json");
        Coop.Result r = Coop.finish(new ProcessBuilder(COOP_OCI.toString(), "--root", tmp.resolve("r").toString(), "--log",
                log.toString(), "--log-format", "json", "state", "nosuch").start(), null, 30);
        assertEquals(1, r.code());
        String line = Files.readString(log).trim();
        assertTrue(line.matches("\\{\"level\":\"error\",\"msg\":\".*does not exist\",\"time\":\"[0-9T:.Z-]+\"}"), line);
    }

    @Test
    void unsupportedSecurityFieldsAreRefusedNotIgnored() throws Exception {
        Path b = bundle("seccomp", "true");
        String cfg = Files.readString(b.resolve("config.json"));
        Files.writeString(b.resolve("config.json"), cfg.replace("\"linux\": {", "\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\"},"));
        Coop.Result r = oci("coop", "create", "-b", b.toString(), "c3");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("seccomp filters are not supported yet"), r.toString());
        assertFalse(Files.exists(tmp.resolve("coop-root/c3")), "nothing left of the refused container");
    }

    @Test
    void resourcesApplyAndDuplicatesAreRefused() throws Exception {
        Path b = bundle("res", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null"
                + " || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max");
        String cfg = Files.readString(b.resolve("config.json"));
        Files.writeString(b.resolve("config.json"), cfg.replace("\"resources\": {", "\"resources\": {\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 32},"));
        Coop.Result r = oci("coop", "run", "-b", b.toString(), "c4");
        assertEquals("67108864\n32\n", r.out(), r.toString());
        assertEquals(0, oci("coop", "create", "-b", b.toString(), "c5").code());
        Coop.Result dup = oci("coop", "create", "-b", b.toString(), "c5");
        assertEquals(1, dup.code());
        assertTrue(dup.err().contains("already exists"), dup.toString());
        assertEquals(0, oci("coop", "delete", "--force", "c5").code());
    }
}
