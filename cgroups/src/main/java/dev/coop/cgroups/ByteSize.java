package dev.coop.cgroups;

import java.util.Locale;

/** Parses sizes the way docker and podman accept them: 512, 64k, 256m, 1.5g (binary units). */
public final class ByteSize {
    private ByteSize() {}

    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) t = t.substring(0, t.length() - 1);
        else if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (v < 0 || Double.isNaN(v) || Double.isInfinite(v) || t.contains("e") || t.contains("x"))
                throw new NumberFormatException();
            return (long) Math.floor(v * mult);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid size '" + text + "': use a number with an optional unit k, m, g or t (e.g. 256m)");
        }
    }

    public static String format(long bytes) {
        if (bytes < 0) return "max";
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + "B" : (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f%s", v, units[u])
                : String.format(Locale.ROOT, "%.1f%s", v, units[u]));
    }
}
