package dev.coop.images.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;

/**
 * A registry seen as an OCI image layout, so pulling is importing: "index.json" lists the one
 * manifest the reference names, and "blobs/sha256/HEX" is fetched from the registry (as a blob,
 * or as a manifest for the entries of an index). The importer verifies everything as usual.
 */
public final class RegistrySource implements Source {
    private final Registry registry;
    private final String reference;
    private byte[] index;

    public RegistrySource(Registry registry, String reference) {
        this.registry = registry;
        this.reference = reference;
    }

    private byte[] index() throws IOException {
        if (index != null) return index;
        Registry.Response r = registry.manifest(reference);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(4 << 20);
        }
        if (r.status() == 404) throw new NoSuchFileException("the registry has no manifest " + reference);
        if (r.status() != 200) throw new IOException("the registry answered " + r.status() + " for manifest " + reference + ": "
                + new String(body, StandardCharsets.UTF_8).trim());
        String digest = "sha256:" + OciJsonDigest.hex(body);
        if (reference.startsWith("sha256:") && !reference.equals(digest))
            throw new IOException("the registry sent a manifest with digest " + digest + " for " + reference + ": refusing it");
        String mediaType = r.headers().getOrDefault("content-type", "application/vnd.oci.image.manifest.v1+json").split(";")[0].trim();
        cache = body;
        cacheDigest = digest;
        String tag = reference.startsWith("sha256:") ? "" : reference;
        index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":"
                + body.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        return index;
    }

    private byte[] cache;
    private String cacheDigest;

    @Override
    public boolean exists(String path) {
        return path.equals("oci-layout") || path.equals("index.json") || path.startsWith("blobs/");
    }

    @Override
    public long size(String path) {
        return -1;
    }

    @Override
    public byte[] read(String path, long limit) throws IOException {
        if (path.equals("index.json")) return index();
        String digest = digestOf(path);
        if (digest.equals(cacheDigest)) return cache;
        Registry.Response r = registry.blob(digest);
        if (r.status() == 404) {
            r.body().close();
            r = registry.manifest(digest); // entries of an index live under /manifests
        }
        try (InputStream in = r.body()) {
            if (r.status() != 200) throw new NoSuchFileException("the registry has no blob " + digest + " (HTTP " + r.status() + ")");
            byte[] b = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (b.length > limit) throw new IOException(path + " is larger than the " + limit + " bytes a metadata blob may have");
            return b;
        }
    }

    @Override
    public InputStream open(String path) throws IOException {
        String digest = digestOf(path);
        Registry.Response r = registry.blob(digest);
        if (r.status() != 200) {
            r.body().close();
            throw new NoSuchFileException("the registry has no blob " + digest + " (HTTP " + r.status() + ")");
        }
        return r.body();
    }

    private static String digestOf(String path) throws IOException {
        if (!path.startsWith("blobs/sha256/")) throw new NoSuchFileException(path);
        return "sha256:" + path.substring("blobs/sha256/".length());
    }

    @Override
    public void close() {}

    /** Hex sha256 without depending on the public model from here. */
    static final class OciJsonDigest {
        static String hex(byte[] b) {
            return dev.coop.images.Digest.of(b).hex();
        }
    }
}
