package dev.coop.images.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coop.images.Descriptor;
import dev.coop.images.Digest;
import dev.coop.images.ImageConfig;
import dev.coop.images.ImageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the OCI image spec's JSON (and docker's equivalents) onto coop's immutable model. The
 * JSON trees stay in here; nothing outside sees them.
 */
public final class OciJson {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OciJson() {}

    public static JsonNode parse(byte[] json, String what) throws ImageException {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || !n.isContainerNode()) throw new ImageException(what + " is not a JSON document");
            return n;
        } catch (IOException e) {
            throw new ImageException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public static boolean isIndex(JsonNode n, String mediaType) {
        String mt = mediaType != null ? mediaType : n.path("mediaType").asText("");
        return mt.equals(OCI_INDEX) || mt.equals(DOCKER_LIST) || (mt.isEmpty() && n.has("manifests"));
    }

    public static Descriptor descriptor(JsonNode d, String what) throws ImageException {
        try {
            return new Descriptor(d.path("mediaType").asText(null), Digest.parse(d.path("digest").asText(null)),
                    d.path("size").asLong(-1));
        } catch (IllegalArgumentException e) {
            throw new ImageException(what + ": " + e.getMessage(), e);
        }
    }

    public static ImageConfig config(JsonNode c) throws ImageException {
        JsonNode cfg = c.path("config");
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : c.path("rootfs").path("diff_ids")) {
            try {
                diffIds.add(Digest.parse(d.asText()));
            } catch (IllegalArgumentException e) {
                throw new ImageException("image config: bad diff_id: " + e.getMessage(), e);
            }
        }
        return new ImageConfig(strings(cfg.path("Entrypoint")), strings(cfg.path("Cmd")), strings(cfg.path("Env")),
                cfg.path("WorkingDir").asText(""), cfg.path("User").asText(""), cfg.path("StopSignal").asText(""),
                diffIds, c.path("os").asText(""), c.path("architecture").asText(""), c.path("created").asText(""));
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : arr) out.add(s.asText());
        return out;
    }
}
