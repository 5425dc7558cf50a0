package dev.coop.runtime;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A container id, validated like runc's: letters, digits, '_', '+', '-', '.'; never "." or "..". */
public record ContainerId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_+.-]{1,1024}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public ContainerId {
        if (value == null || !VALID.matcher(value).matches() || value.equals(".") || value.equals(".."))
            throw new IllegalArgumentException("invalid container id '" + value
                    + "': use letters, digits, '_', '+', '-' and '.'");
    }

    /** A fresh id: 64 hex digits, like docker's. */
    public static ContainerId random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new ContainerId(HexFormat.of().formatHex(b));
    }

    public String shortId() {
        return value.length() > 12 ? value.substring(0, 12) : value;
    }

    @Override
    public String toString() {
        return value;
    }
}
