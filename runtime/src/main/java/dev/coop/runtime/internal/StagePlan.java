package dev.coop.runtime.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan handed to the native stage: an ordered list of key/value pairs, sent as a u32
 * length followed by NUL-terminated strings. Order matters for the mount operations, which
 * the stage carries out exactly as listed.
 */
public final class StagePlan {
    /** Separates the fields of one operation (mount, mknod, symlink, rlimit). */
    static final char FIELD = '\u001f';

    private final List<String[]> items = new ArrayList<>();

    public StagePlan put(String key, String value) {
        if (value.indexOf('\0') >= 0) throw new IllegalArgumentException(key + " contains a NUL byte");
        items.add(new String[] {key, value});
        return this;
    }

    public StagePlan put(String key, long value) {
        return put(key, Long.toString(value));
    }

    public StagePlan flag(String key, boolean on) {
        return on ? put(key, "1") : this;
    }

    /** An operation with several fields; no field may contain the separator. */
    public StagePlan op(String key, String... fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].indexOf(FIELD) >= 0) throw new IllegalArgumentException(key + " field contains \\x1f: " + fields[i]);
            if (i > 0) sb.append(FIELD);
            sb.append(fields[i]);
        }
        return put(key, sb.toString());
    }

    public List<String[]> items() {
        return List.copyOf(items);
    }

    /** All values of one key, in order (for tests and diagnostics). */
    public List<String> values(String key) {
        return items.stream().filter(i -> i[0].equals(key)).map(i -> i[1]).toList();
    }

    public byte[] encode() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] kv : items) {
            for (String s : kv) {
                body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                body.write(0);
            }
        }
        byte[] b = body.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(4 + b.length).order(ByteOrder.nativeOrder());
        out.putInt(b.length).put(b);
        return out.array();
    }
}
