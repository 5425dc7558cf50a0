package dev.coop.cli;

import dev.coop.cgroups.ByteSize;
import dev.coop.cgroups.IoLimit;
import dev.coop.cgroups.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The resource limit options of `coop run`, parsed into {@link Resources}. */
final class LimitOptions {
    @Option(names = "--memory", paramLabel = "SIZE", description = "Hard memory limit (e.g. 256m); the OOM killer acts above it.")
    String memory;

    @Option(names = "--memory-high", paramLabel = "SIZE", description = "Memory throttle point (v1: the soft limit).")
    String memoryHigh;

    @Option(names = "--memory-swap", paramLabel = "SIZE", description = "Memory plus swap; -1 for unlimited swap.")
    String memorySwap;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU bandwidth, in CPUs (e.g. 0.5).")
    Double cpus;

    @Option(names = "--cpu-weight", paramLabel = "N", description = "Relative CPU weight, 1-10000 (default 100).")
    Integer cpuWeight;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Maximum number of processes; -1 for unlimited.")
    Long pidsLimit;

    @Option(names = "--io-read-bps", paramLabel = "DEV:RATE", description = "Read rate limit for a block device (e.g. /dev/vda:10m).")
    List<String> ioReadBps = new ArrayList<>();

    @Option(names = "--io-write-bps", paramLabel = "DEV:RATE", description = "Write rate limit for a block device.")
    List<String> ioWriteBps = new ArrayList<>();

    @Option(names = "--io-read-iops", paramLabel = "DEV:N", description = "Read operations per second for a block device.")
    List<String> ioReadIops = new ArrayList<>();

    @Option(names = "--io-write-iops", paramLabel = "DEV:N", description = "Write operations per second for a block device.")
    List<String> ioWriteIops = new ArrayList<>();

    @Option(names = "--io-weight", paramLabel = "N", description = "Relative IO weight, 1-10000 (needs the BFQ scheduler).")
    Integer ioWeight;

    /** @param restrictDevices false for --privileged */
    Resources toResources(boolean restrictDevices) {
        Resources.Builder b = Resources.builder().restrictDevices(restrictDevices);
        if (memory != null) b.memoryMax(size("--memory", memory));
        if (memoryHigh != null) b.memoryHigh(size("--memory-high", memoryHigh));
        if (memorySwap != null) b.memorySwap(size("--memory-swap", memorySwap));
        if (cpus != null) b.cpus(cpus);
        b.cpuWeight(cpuWeight);
        if (pidsLimit != null) b.pidsMax(pidsLimit == -1 ? Resources.UNLIMITED : pidsLimit);
        for (String s : ioReadBps) b.io(io("--io-read-bps", s, IoLimit.Kind.READ_BPS, true));
        for (String s : ioWriteBps) b.io(io("--io-write-bps", s, IoLimit.Kind.WRITE_BPS, true));
        for (String s : ioReadIops) b.io(io("--io-read-iops", s, IoLimit.Kind.READ_IOPS, false));
        for (String s : ioWriteIops) b.io(io("--io-write-iops", s, IoLimit.Kind.WRITE_IOPS, false));
        b.ioWeight(ioWeight);
        return b.build();
    }

    private static long size(String option, String v) {
        if (v.trim().equals("-1")) return Resources.UNLIMITED;
        try {
            return ByteSize.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    /** DEV:RATE, where DEV is a block device node; its major:minor is what the cgroup takes. */
    static IoLimit io(String option, String spec, IoLimit.Kind kind, boolean bytes) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException(option + ": expected DEVICE:RATE, got '" + spec + "'");
        Path dev = Path.of(spec.substring(0, colon));
        String rate = spec.substring(colon + 1);
        long rdev;
        try {
            if (!Files.exists(dev)) throw new IllegalArgumentException(option + ": no such device " + dev);
            if (!"block".equals(kindOf(dev))) throw new IllegalArgumentException(option + ": " + dev + " is not a block device");
            rdev = ((Number) Files.getAttribute(dev, "unix:rdev")).longValue();
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot stat " + dev + ": " + e.getMessage());
        }
        long value;
        try {
            value = bytes ? ByteSize.parse(rate) : Long.parseLong(rate.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": invalid rate '" + rate + "'");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
        // glibc's gnu_dev_major/minor encoding of dev_t
        int major = (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL));
        int minor = (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL));
        try {
            return new IoLimit(major, minor, kind, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static String kindOf(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        return (mode & 0170000) == 0060000 ? "block" : "other";
    }
}
