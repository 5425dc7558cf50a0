package dev.coop.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table whose columns line up; numeric columns are right-aligned. */
final class Table {
    private final List<String> headers;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
        this.right = new boolean[headers.length];
    }

    Table rightAlign(int... columns) {
        for (int c : columns) right[c] = true;
        return this;
    }

    Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(String.valueOf(c));
        rows.add(r);
        return this;
    }

    void print(PrintStream out) {
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) w[i] = headers.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        line(out, headers, w);
        for (List<String> r : rows) line(out, r, w);
    }

    private void line(PrintStream out, List<String> cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            boolean last = i == w.length - 1;
            String pad = " ".repeat(w[i] - c.length());
            sb.append(right[i] ? pad + c : last ? c : c + pad);
            if (!last) sb.append("   ");
        }
        out.println(sb);
    }
}
