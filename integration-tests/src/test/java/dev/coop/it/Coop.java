package dev.coop.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real coop launcher, as a user would, with its own state and store roots. */
final class Coop {
    static final Path LAUNCHER = Path.of(System.getProperty("coop.launcher", "../cli/target/coop/bin/coop")).toAbsolutePath();
    static final Path STATE = Path.of("/run/coop-it");
    static final Path STORE = Path.of("/var/tmp/coop-it");

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static ProcessBuilder builder(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("COOP_STATE", STATE.toString());
        env.put("COOP_ROOT", STORE.toString());
        return pb;
    }

    /** "run", the given options, "--rootfs" and the test rootfs, then the command. */
    static String[] runArgs(List<String> options, String... command) {
        List<String> a = new ArrayList<>(List.of("run"));
        a.addAll(options);
        a.add("--rootfs");
        a.add(rootfs().toString());
        a.addAll(List.of(command));
        return a.toArray(new String[0]);
    }

    static Result run(String... args) {
        return runWith(List.of(), null, args);
    }

    static Result runWithInput(String stdin, String... args) {
        return runWith(List.of(), stdin, args);
    }

    static Result runWith(List<String> prefix, String stdin, String... args) {
        try {
            Process p = builder(prefix, args).start();
            return finish(p, stdin, 60);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result finish(Process p, String stdin, int timeoutSeconds) {
        try {
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("coop did not finish within " + timeoutSeconds + "s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<" + e + ">";
            }
        });
    }

    /** Runs a shell command line under script(1), so coop has a terminal on its standard streams. */
    static Result runWithScript(String commandLine) {
        try {
            ProcessBuilder pb = new ProcessBuilder("script", "-qec", commandLine, "/dev/null");
            pb.environment().put("COOP_STATE", STATE.toString());
            pb.environment().put("COOP_ROOT", STORE.toString());
            return finish(pb.start(), null, 60);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes every image of the test store and prunes what they leave. */
    static void removeAllImages() {
        Result ls = run("images", "ls", "--json");
        for (String line : ls.out().split("\n")) {
            if (line.contains("\"id\"")) run("images", "rm", line.replaceAll(".*\"(sha256:[0-9a-f]+)\".*", "$1"));
        }
        run("images", "prune");
    }

    /** Runs a helper program (umoci, skopeo) that must succeed. */
    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
    }

    /** A busybox root filesystem built from Debian's busybox-static, once per test JVM. */
    static synchronized Path rootfs() {
        Path dir = Path.of("target/rootfs").toAbsolutePath();
        if (Files.isExecutable(dir.resolve("bin/busybox"))) return dir;
        Path script = Path.of("../scripts/build-rootfs.sh").toAbsolutePath();
        try {
            Process p = new ProcessBuilder("bash", script.toString(), dir.toString()).inheritIO().start();
            if (p.waitFor() != 0) throw new AssertionError("building the busybox rootfs failed (is busybox-static installed?)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return dir;
    }

    private Coop() {}
}
