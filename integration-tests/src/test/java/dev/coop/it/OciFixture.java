package dev.coop.it;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes OCI image layouts for tests: layers with any kind of entry (including ones a hostile
 * archive would hold), compressed or not, and the manifest, config and index that name them.
 */
final class OciFixture {
    enum Compression { NONE, GZIP, ZSTD }

    /** One layer: tar entries written in order. */
    static final class Layer {
        final List<TarArchiveEntry> entries = new ArrayList<>();
        final List<byte[]> contents = new ArrayList<>();
        Compression compression = Compression.GZIP;

        Layer add(TarArchiveEntry e, byte[] content) {
            e.setModTime(FileTime.fromMillis(1_600_000_000_000L));
            entries.add(e);
            contents.add(content);
            return this;
        }

        Layer dir(String name) {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
            e.setMode(040755);
            return add(e, null);
        }

        Layer file(String name, String content) {
            return file(name, content, 0100644, 0, 0);
        }

        Layer file(String name, String content, int mode, int uid, int gid) {
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name, true); // names exactly as given, "/" and ".." too
            e.setMode(mode);
            e.setSize(b.length);
            e.setUserId(uid);
            e.setGroupId(gid);
            return add(e, b);
        }

        Layer symlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
            e.setLinkName(target);
            return add(e, null);
        }

        Layer hardlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
            e.setLinkName(target);
            return add(e, null);
        }

        Layer charDevice(String name, int major, int minor) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_CHR, true);
            e.setMode(020666);
            e.setDevMajor(major);
            e.setDevMinor(minor);
            return add(e, null);
        }

        Layer fifo(String name) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_FIFO, true);
            e.setMode(010644);
            return add(e, null);
        }

        Layer whiteout(String dir, String name) {
            return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, "");
        }

        Layer opaque(String dir) {
            return file(dir + "/.wh..wh..opq", "");
        }

        /** A file with an extended attribute, written as libarchive does (base64 in PAX). */
        Layer fileWithXattr(String name, String content, String xattr, byte[] value) {
            file(name, content);
            entries.get(entries.size() - 1).addPaxHeader("LIBARCHIVE.xattr." + xattr,
                    java.util.Base64.getEncoder().encodeToString(value));
            return this;
        }

        Layer compression(Compression c) {
            compression = c;
            return this;
        }

        byte[] tar() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
                t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (int i = 0; i < entries.size(); i++) {
                    t.putArchiveEntry(entries.get(i));
                    if (contents.get(i) != null) t.write(contents.get(i));
                    t.closeArchiveEntry();
                }
            }
            return out.toByteArray();
        }

        byte[] blob(byte[] tar) throws IOException {
            if (compression == Compression.NONE) return tar;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream c = compression == Compression.GZIP ? new GZIPOutputStream(out) : new ZstdOutputStream(out)) {
                c.write(tar);
            }
            return out.toByteArray();
        }

        String mediaType() {
            return switch (compression) {
                case NONE -> "application/vnd.oci.image.layer.v1.tar";
                case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
                case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
            };
        }
    }

    /** What a test may break in the layout it writes. */
    enum Damage { NONE, LAYER_DIGEST_MISMATCH, TRUNCATED_LAYER, MISSING_LAYER, WRONG_DIFF_ID }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blob(Path layout, byte[] data) throws IOException {
        String hex = sha256(data);
        Files.write(layout.resolve("blobs/sha256/" + hex), data);
        return hex;
    }

    /** Writes a manifest and config for these layers; returns the manifest's descriptor JSON. */
    static String image(Path layout, List<Layer> layers, String configJson, String arch, Damage damage) throws IOException {
        Files.createDirectories(layout.resolve("blobs/sha256"));
        StringBuilder layerDescs = new StringBuilder(), diffIds = new StringBuilder();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            byte[] tar = l.tar();
            byte[] blob = l.blob(tar);
            String hex = sha256(blob);
            boolean last = i == layers.size() - 1;
            if (last && damage == Damage.LAYER_DIGEST_MISMATCH) {
                byte[] evil = blob.clone();
                evil[evil.length / 2] ^= 0x55;
                Files.write(layout.resolve("blobs/sha256/" + hex), evil);
            } else if (last && damage == Damage.TRUNCATED_LAYER) {
                Files.write(layout.resolve("blobs/sha256/" + hex), java.util.Arrays.copyOf(blob, blob.length / 2));
            } else if (!(last && damage == Damage.MISSING_LAYER)) {
                Files.write(layout.resolve("blobs/sha256/" + hex), blob);
            }
            String diff = last && damage == Damage.WRONG_DIFF_ID ? sha256("something else".getBytes()) : sha256(tar);
            layerDescs.append(i > 0 ? "," : "").append("{\"mediaType\":\"").append(l.mediaType()).append("\",\"digest\":\"sha256:")
                    .append(hex).append("\",\"size\":").append(blob.length).append('}');
            diffIds.append(i > 0 ? "," : "").append("\"sha256:").append(diff).append('"');
        }
        String config = "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\",\"config\":"
                + configJson + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}";
        byte[] cfg = config.getBytes(StandardCharsets.UTF_8);
        String cfgHex = blob(layout, cfg);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + cfgHex + "\",\"size\":"
                + cfg.length + "},\"layers\":[" + layerDescs + "]}";
        byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
        String mHex = blob(layout, m);
        return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + mHex + "\",\"size\":" + m.length;
    }

    /** A single-image layout whose manifest carries a ref name. */
    static Path layout(Path dir, String ref, List<Layer> layers, String configJson, Damage damage) throws IOException {
        Files.createDirectories(dir);
        String desc = image(dir, layers, configJson, "amd64", damage);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + desc
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref + "\"}}]}");
        return dir;
    }

    /** A multi-platform layout: one manifest per architecture, listed with their platforms. */
    static Path multiPlatform(Path dir, List<String> arches, java.util.function.Function<String, Layer> layerFor) throws IOException {
        Files.createDirectories(dir);
        StringBuilder manifests = new StringBuilder();
        for (String arch : arches) {
            String desc = image(dir, List.of(layerFor.apply(arch)), "{\"Cmd\":[\"cat\",\"/arch\"]}", arch, Damage.NONE);
            manifests.append(manifests.length() > 0 ? "," : "").append(desc)
                    .append(",\"platform\":{\"os\":\"linux\",\"architecture\":\"").append(arch).append("\"}}");
        }
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + manifests + "]}");
        return dir;
    }

    /** The busybox rootfs as one layer, so fixture images can run a shell. */
    static Layer busybox() throws IOException {
        Layer l = new Layer();
        Path root = Coop.rootfs();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) continue;
                if (Files.isSymbolicLink(p)) l.symlink(rel, Files.readSymbolicLink(p).toString());
                else if (Files.isDirectory(p)) l.dir(rel);
                else {
                    byte[] b = Files.readAllBytes(p);
                    TarArchiveEntry e = new TarArchiveEntry(rel);
                    e.setMode(Files.isExecutable(p) ? 0100755 : 0100644);
                    e.setSize(b.length);
                    l.add(e, b);
                }
            }
        }
        return l;
    }

    private OciFixture() {}
}
