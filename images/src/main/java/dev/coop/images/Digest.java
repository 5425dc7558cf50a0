package dev.coop.images;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, "sha256:" and 64 lowercase hex digits (the only algorithm OCI requires). */
public record Digest(String algorithm, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public Digest {
        if (!algorithm.equals("sha256")) throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "' (only sha256)");
        if (!SHA256.matcher(hex).matches()) throw new IllegalArgumentException("invalid sha256 digest '" + hex + "'");
    }

    public static Digest parse(String s) {
        if (s == null) throw new IllegalArgumentException("missing digest");
        int colon = s.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("invalid digest '" + s + "': expected sha256:<hex>");
        return new Digest(s.substring(0, colon), s.substring(colon + 1));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Digest of(MessageDigest md) {
        return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
    }

    public static Digest of(byte[] data) {
        MessageDigest md = sha256();
        md.update(data);
        return of(md);
    }

    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
