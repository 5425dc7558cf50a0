package dev.coop.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coop.images.internal.LayerPacker;
import dev.coop.images.internal.OciJson;
import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * `coop commit`: a container's writable layer becomes a new top layer of its image, under a
 * new config (diff_ids and history extended) and manifest. The new layer enters the store the
 * same verified way an imported one does.
 */
public final class Committer {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ImageStore store;
    private final Syscalls sys;

    public Committer(ImageStore store, Syscalls sys) {
        this.store = store;
        this.sys = sys;
    }

    public Image commit(Path upper, String baseImage, String name, String comment) throws ImageException {
        ImageRef.parse(name);
        Image base = store.get(baseImage);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(Files.createDirectories(store.root().resolve("tmp")), "commit-", ".tar.gz");
            LayerPacker.Packed packed = new LayerPacker(sys).pack(upper, tmp);
            Descriptor layer = new Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", packed.blob(), packed.size());
            try (InputStream in = Files.newInputStream(tmp)) {
                store.putLayer(in, layer, packed.diffId(), null);
            }
            ObjectNode config = (ObjectNode) OciJson.parse(Files.readAllBytes(store.blobPath(base.id())), "the base image's config");
            String now = Instant.now().toString();
            config.put("created", now);
            ObjectNode rootfs = config.with("rootfs");
            rootfs.put("type", "layers");
            ((ArrayNode) rootfs.withArray("diff_ids")).add(packed.diffId().toString());
            ObjectNode history = ((ArrayNode) config.withArray("history")).addObject();
            history.put("created", now);
            history.put("created_by", "coop commit");
            if (comment != null) history.put("comment", comment);
            byte[] configBytes = MAPPER.writeValueAsBytes(config);
            Digest configDigest = Digest.of(configBytes);

            List<Descriptor> layers = new ArrayList<>(base.layers());
            layers.add(layer);
            ObjectNode manifest = MAPPER.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            ObjectNode cfg = manifest.putObject("config");
            cfg.put("mediaType", "application/vnd.oci.image.config.v1+json");
            cfg.put("digest", configDigest.toString());
            cfg.put("size", configBytes.length);
            ArrayNode ls = manifest.putArray("layers");
            for (Descriptor d : layers) {
                ObjectNode l = ls.addObject();
                l.put("mediaType", d.mediaType() != null ? d.mediaType() : "application/vnd.oci.image.layer.v1.tar");
                l.put("digest", d.digest().toString());
                l.put("size", d.size());
            }
            byte[] manifestBytes = MAPPER.writeValueAsBytes(manifest);
            store.putBlob(configBytes, configDigest);
            store.putBlob(manifestBytes, Digest.of(manifestBytes));
            JsonNode parsed = OciJson.parse(configBytes, "the new config");
            Image image = new Image(configDigest, Digest.of(manifestBytes), List.of(ImageRef.parse(name).toString()),
                    OciJson.config(parsed), layers, System.currentTimeMillis());
            store.save(image);
            return store.get(configDigest.toString());
        } catch (IOException e) {
            throw new ImageException("cannot commit: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // in tmp/: prune removes it
                }
            }
        }
    }
}
