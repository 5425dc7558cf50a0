package dev.coop.cli.bench;

import dev.coop.images.Image;
import dev.coop.images.ImageStore;
import dev.coop.images.Importer;
import dev.coop.overlay.ContainerLayer;
import dev.coop.sys.Syscalls;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Import and unpack throughput: coop importing an OCI layout into an empty store (verify every
 * blob and diff_id, unpack every layer), against `umoci unpack` (unpack) and `skopeo copy` to
 * another layout (copy and verify, no unpack) of the same image, in the same run.
 */
@Command(name = "import", description = "Import throughput on an OCI layout, against umoci unpack and skopeo copy.")
public final class ImportBench implements Callable<Integer> {
    @Parameters(paramLabel = "LAYOUT:REF", description = "An OCI image layout and the ref of the image in it.")
    String image;

    @Option(names = "-n", description = "Runs per tool (default ${DEFAULT-VALUE}).", defaultValue = "3")
    int n;

    @Option(names = "--work", description = "Scratch directory on the store's filesystem (default ${DEFAULT-VALUE}).",
            defaultValue = "/var/tmp")
    Path work;

    @Override
    public Integer call() throws Exception {
        int colon = image.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("give LAYOUT:REF, e.g. /tmp/debian:latest");
        Path layout = Path.of(image.substring(0, colon));
        String ref = image.substring(colon + 1);
        long bytes = blobBytes(layout);
        Samples coop = new Samples("coop images import"), umoci = new Samples("umoci unpack"),
                skopeo = new Samples("skopeo copy (no unpack)");
        long[] unpacked = {0};
        List<Tool> tools = new java.util.ArrayList<>();
        tools.add(new Tool(coop, scratch -> {
            Image img = new Importer(new ImageStore(scratch.resolve("store"), Syscalls.linux()), null, Importer.Progress.NONE)
                    .importImage(image, null);
            if (img.layers().isEmpty()) throw new IllegalStateException("empty image");
        }, scratch -> unpacked[0] = du(scratch.resolve("store/layers"))));
        if (which("umoci") != null) tools.add(new Tool(umoci, scratch -> run("umoci", "unpack", "--image", image,
                scratch.resolve("bundle").toString()), scratch -> {}));
        if (which("skopeo") != null) tools.add(new Tool(skopeo, scratch -> run("skopeo", "copy", "--quiet",
                "oci:" + layout + ":" + ref, "oci:" + scratch.resolve("copy") + ":" + ref), scratch -> {}));
        for (int i = 0; i < n; i++) {
            // Rotate the order, and let the disk settle after each deletion (on a filesystem
            // mounted with discard, freeing hundreds of MB slows whatever runs next).
            for (int k = 0; k < tools.size(); k++) {
                Tool t = tools.get((i + k) % tools.size());
                Path scratch = Files.createTempDirectory(work, "coop-bench-import-");
                try {
                    long t0 = System.nanoTime();
                    t.work().run(scratch);
                    t.samples().add(System.nanoTime() - t0);
                    t.after().run(scratch);
                } finally {
                    ContainerLayer.deleteTree(scratch);
                    run("sync");
                    Thread.sleep(1000);
                }
            }
            System.err.printf("run %d/%d done%n", i + 1, n);
        }
        System.out.printf(Locale.ROOT, "coop bench import: %s, %.1f MB of blobs, %.1f MB unpacked, %d runs each (medians)%n%n",
                image, bytes / 1e6, unpacked[0] / 1e6, n);
        System.out.printf("%-26s %12s %14s %14s%n", "", "time", "MB/s (blobs)", "coop vs this");
        for (Samples s : List.of(coop, umoci, skopeo)) {
            if (s.isEmpty()) {
                System.out.printf("%-26s %12s%n", s.name(), "not installed");
                continue;
            }
            double sec = s.p50() / 1000;
            System.out.printf(Locale.ROOT, "%-26s %12s %14.1f %14s%n", s.name(), Samples.ms(s.p50()), bytes / 1e6 / sec,
                    s == coop ? "" : String.format(Locale.ROOT, "%.2fx time", coop.p50() / s.p50()));
        }
        return 0;
    }

    private interface Step {
        void run(Path scratch) throws Exception;
    }

    private record Tool(Samples samples, Step work, Step after) {}

    private static long blobBytes(Path layout) throws Exception {
        return du(layout.resolve("blobs"));
    }

    private static long du(Path p) throws Exception {
        if (!Files.exists(p)) return 0;
        try (var s = Files.walk(p)) {
            return s.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void run(String... cmd) throws Exception {
        File log = File.createTempFile("coop-bench-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(log).redirectErrorStream(true).start();
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(log.toPath()));
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }

    static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }
}
