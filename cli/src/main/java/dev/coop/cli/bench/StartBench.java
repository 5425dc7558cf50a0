package dev.coop.cli.bench;

import dev.coop.cgroups.CgroupDriver;
import dev.coop.overlay.ContainerLayer;
import dev.coop.runtime.ContainerInfo;
import dev.coop.runtime.ContainerSpec;
import dev.coop.runtime.Containers;
import dev.coop.runtime.RunningContainer;
import dev.coop.runtime.RuntimeConfig;
import dev.coop.sys.Syscalls;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Container start latency: N sequential containers running `true`, from one JVM, against runc
 * doing the same with an equivalent bundle in the same run; then the cold CLI path and what a
 * running container costs in memory beyond its own processes.
 */
@Command(name = "start", description = "Start latency of N sequential containers, against runc in the same run.")
public final class StartBench implements Callable<Integer> {
    @Option(names = "-n", description = "Containers per measurement (default ${DEFAULT-VALUE}).", defaultValue = "200")
    int n;

    @Option(names = "--rootfs", required = true, description = "Root filesystem holding /bin/true (or busybox).")
    Path rootfs;

    @Option(names = "--cold", description = "Cold CLI runs, each a new JVM (default ${DEFAULT-VALUE}; 0 skips).", defaultValue = "10")
    int cold;

    @Option(names = "--image", description = "Also start containers from this stored image, to show what layers add over --rootfs.")
    String image;

    @Option(names = "--no-runc", description = "Do not measure runc even when it is installed.")
    boolean noRunc;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    private final List<Samples> results = new ArrayList<>();
    private long monitorPss = -1;

    @Override
    public Integer call() throws Exception {
        if (n < 1) throw new IllegalArgumentException("-n must be at least 1");
        Containers cs = new Containers(RuntimeConfig.fromEnvironment(), CgroupDriver.detect(), Syscalls.linux());
        String runc = noRunc ? null : ImportBench.which("runc");
        long steps = 2L * n + (image != null ? 2L * n + 5 : 0) + (runc != null ? 2L * n : 0) + 2L * cold + 5;
        try (ProgressBar pb = progress(steps)) {
            measureCoop(cs, pb, () -> spec(false, "true"), "coop start", "coop run (total)");
            if (image != null) {
                ContainerSpec fromImage = imageSpec();
                measureCoop(cs, pb, () -> fromImage, "coop start (image)", "coop run (image, total)");
            }
            if (runc != null) measureRunc(runc, pb);
            if (cold > 0) measureCold(pb);
            monitorPss = monitorPss(cs);
        }
        report(runc);
        return 0;
    }

    private ProgressBar progress(long steps) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("bench start").setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate();
        if (System.console() == null) b.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> {}));
        return b.build();
    }

    private ContainerSpec spec(boolean detach, String... cmd) {
        return ContainerSpec.builder(rootfs, List.of(cmd)).remove(!detach).detach(detach).build();
    }

    /** The image's layers, `true` as the command: the same work as --rootfs but for the lower layers. */
    private ContainerSpec imageSpec() throws Exception {
        dev.coop.images.ImageStore store = new dev.coop.images.ImageStore(RuntimeConfig.fromEnvironment().storeRoot(), Syscalls.linux());
        dev.coop.images.Image img = store.get(image);
        imageLayers = img.layers().size();
        return ContainerSpec.builder(new dev.coop.overlay.LowerLayers(store.linkDir(), store.lowerLinks(img)), image,
                img.id().toString(), List.of("true")).remove(true).build();
    }

    private int imageLayers;

    private void measureCoop(Containers cs, ProgressBar pb, java.util.function.Supplier<ContainerSpec> specs, String startName,
                             String totalName) throws Exception {
        Samples start = new Samples(startName), total = new Samples(totalName);
        for (int i = 0; i < 5; i++) { // warm the JIT and the page cache; not counted
            cs.run(specs.get()).awaitExit(false);
            pb.step();
        }
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            RunningContainer c = cs.run(specs.get());
            long t1 = System.nanoTime();
            c.awaitExit(false);
            long t2 = System.nanoTime();
            start.add(t1 - t0);
            total.add(t2 - t0);
            pb.stepBy(2);
        }
        results.add(start);
        results.add(total);
    }

    private void measureRunc(String runc, ProgressBar pb) throws Exception {
        Path work = Files.createTempDirectory(Path.of("/run"), "coop-bench-");
        try {
            Path bundle = RuncBundle.write(work.resolve("bundle"), rootfs, List.of("true"));
            String root = work.resolve("state").toString();
            Samples start = new Samples("runc create+start"), total = new Samples("runc run (total)");
            for (int i = 0; i < n; i++) {
                String id = "coop-bench-" + i;
                long t0 = System.nanoTime();
                exec(runc, "--root", root, "create", "--bundle", bundle.toString(), id);
                exec(runc, "--root", root, "start", id);
                start.add(System.nanoTime() - t0);
                exec(runc, "--root", root, "delete", "--force", id);
                pb.step();
            }
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                exec(runc, "--root", root, "run", "--bundle", bundle.toString(), "coop-bench-run-" + i);
                total.add(System.nanoTime() - t0);
                pb.step();
            }
            results.add(start);
            results.add(total);
        } finally {
            ContainerLayer.deleteTree(work);
        }
    }

    /** New JVMs running `coop run --rm true`; each reports how long it spent from main() on. */
    private void measureCold(ProgressBar pb) throws Exception {
        Path launcher = RuntimeConfig.fromEnvironment().launcher();
        if (launcher == null) return;
        Samples wall = new Samples("cold CLI: coop run --rm true"), inMain = new Samples("  of which main() to exit"),
                jvm = new Samples("  of which JVM start and exit"), version = new Samples("cold CLI: coop --version");
        for (int i = 0; i < cold; i++) {
            ProcessBuilder pb2 = new ProcessBuilder(launcher.toString(), "run", "--rm", "--rootfs", rootfs.toString(), "true");
            pb2.environment().put("COOP_TIMING", "1");
            pb2.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            long t0 = System.nanoTime();
            Process p = pb2.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException("cold run failed: " + err);
            long w = System.nanoTime() - t0;
            long main = parseTiming(err);
            wall.add(w);
            inMain.add(main);
            jvm.add(w - main);
            pb.step();
            long t1 = System.nanoTime();
            exec(launcher.toString(), "--version");
            version.add(System.nanoTime() - t1);
            pb.step();
        }
        results.addAll(List.of(wall, jvm, inMain, version));
    }

    private static long parseTiming(String stderr) {
        for (String line : stderr.split("\n")) {
            if (line.startsWith("coop-timing ")) {
                for (String kv : line.substring(12).split(" ")) {
                    if (kv.startsWith("main-to-exit-ns=")) return Long.parseLong(kv.substring(16));
                }
            }
        }
        throw new IllegalStateException("no coop-timing line in: " + stderr);
    }

    /** PSS of the one process coop keeps per running container: its monitor. */
    private long monitorPss(Containers cs) throws Exception {
        RunningContainer c = cs.run(spec(true, "sleep", "30"));
        try {
            ContainerInfo info = cs.inspect(c.id().value());
            for (String line : Files.readAllLines(Path.of("/proc/" + info.monitorPid() + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
            return -1;
        } finally {
            cs.remove(c.id().value(), true);
        }
    }

    private void report(String runc) {
        Samples coopStart = find("coop start"), runcStart = find("runc create+start");
        Samples coopTotal = find("coop run (total)"), runcTotal = find("runc run (total)");
        if (json) {
            StringBuilder sb = new StringBuilder("{\n  \"n\": " + n + ",\n  \"results\": [\n");
            for (int i = 0; i < results.size(); i++) {
                Samples s = results.get(i);
                sb.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"count\": %d, \"p50Ms\": %.3f, \"p95Ms\": %.3f, \"maxMs\": %.3f}%s\n",
                        s.name().trim(), s.count(), s.p50(), s.p95(), s.max(), i < results.size() - 1 ? "," : ""));
            }
            sb.append("  ],\n");
            sb.append(String.format(Locale.ROOT, "  \"startRatioP50\": %s,\n  \"totalRatioP50\": %s,\n  \"monitorPssBytes\": %d\n}",
                    ratio(coopStart, runcStart), ratio(coopTotal, runcTotal), monitorPss));
            System.out.println(sb);
            return;
        }
        System.out.printf("coop bench start: %d sequential containers running `true` from one JVM; rootfs %s%n", n, rootfs);
        System.out.println("start = request until the program runs; total = until it has exited and is removed");
        System.out.println();
        int w = results.stream().mapToInt(s -> s.name().length()).max().orElse(10);
        System.out.printf("%-" + w + "s   %6s   %10s   %10s   %10s%n", "", "count", "p50", "p95", "max");
        for (Samples s : results) {
            System.out.printf("%-" + w + "s   %6d   %10s   %10s   %10s%n", s.name(), s.count(), Samples.ms(s.p50()),
                    Samples.ms(s.p95()), Samples.ms(s.max()));
        }
        System.out.println();
        if (runc == null) {
            System.out.println("runc: not measured (" + (noRunc ? "--no-runc" : "not installed: apt-get install runc") + ")");
        } else {
            System.out.println("p50 ratio coop/runc, start: " + ratio(coopStart, runcStart) + "x   total: "
                    + ratio(coopTotal, runcTotal) + "x   (below 1 means coop is faster)");
        }
        Samples imageStart = find("coop start (image)");
        if (imageStart != null && coopStart != null) {
            System.out.printf(Locale.ROOT, "starting from the image (%d layers) adds %+.2f ms at p50 over --rootfs%n", imageLayers,
                    imageStart.p50() - coopStart.p50());
        }
        if (monitorPss >= 0) {
            System.out.printf(Locale.ROOT, "memory coop keeps per running container (monitor PSS): %.0f KiB%n", monitorPss / 1024.0);
        }
    }

    private Samples find(String name) {
        return results.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    private static String ratio(Samples a, Samples b) {
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) return "null";
        return String.format(Locale.ROOT, "%.2f", a.p50() / b.p50());
    }

    /**
     * Runs a command to completion. Its output goes to a file, not a pipe: `runc create` hands
     * its standard streams to the container's init, which would hold a pipe open.
     */
    private static void exec(String... cmd) throws IOException, InterruptedException {
        File log = File.createTempFile("coop-bench-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(log.toPath()).trim());
            }
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }

}
