package dev.coop.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Latency samples in nanoseconds, summarised as medians and tail percentiles. */
public final class Samples {
    private final String name;
    private final List<Long> nanos = new ArrayList<>();

    public Samples(String name) {
        this.name = name;
    }

    public String name() { return name; }
    public void add(long ns) { nanos.add(ns); }
    public int count() { return nanos.size(); }
    public boolean isEmpty() { return nanos.isEmpty(); }

    /** Nearest-rank percentile, in milliseconds. */
    public double percentileMs(double p) {
        if (nanos.isEmpty()) return Double.NaN;
        long[] s = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
    }

    public double p50() { return percentileMs(50); }
    public double p95() { return percentileMs(95); }
    public double max() { return percentileMs(100); }

    public static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.2f ms" : "%.1f ms", v);
    }
}
