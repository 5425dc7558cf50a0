package dev.coop.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coop.images.internal.OciJson;
import dev.coop.images.internal.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports an image from an OCI image layout directory, an OCI archive (the layout as a tar) or
 * a `docker save` tarball (legacy, or the newer one that is also an OCI layout), told apart by
 * their content. Every blob is verified against its digest and every layer against the
 * config's diff_ids while it streams; on any mismatch the store is left exactly as it was.
 */
public final class Importer {
    /** Called as layers are read: the layer's index and count, its compressed bytes so far and in all. */
    public interface Progress {
        void layer(int index, int count, long bytes, long total);

        Progress NONE = (i, n, b, t) -> {};
    }

    private static final long METADATA_LIMIT = 4L << 20;

    private final ImageStore store;
    private final String platform;
    private final Progress progress;

    /** @param platform os/arch[/variant], or null for this host's */
    public Importer(ImageStore store, String platform, Progress progress) {
        this.store = store;
        this.platform = platform != null ? platform : hostPlatform();
        this.progress = progress;
    }

    public static String hostPlatform() {
        String arch = System.getProperty("os.arch");
        arch = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
        return "linux/" + arch;
    }

    /**
     * @param spec PATH, or PATH:REF to choose a manifest of a layout by its ref name
     * @param name the name to give it (NAME[:TAG]), or null to take it from the archive
     */
    public Image importImage(String spec, String name) throws ImageException {
        Path path = Path.of(spec);
        String ref = null;
        if (!Files.exists(path) && spec.lastIndexOf(':') > 0) {
            ref = spec.substring(spec.lastIndexOf(':') + 1);
            path = Path.of(spec.substring(0, spec.lastIndexOf(':')));
        }
        if (!Files.exists(path)) throw new ImageException("cannot import " + spec + ": no such file or directory");
        if (name != null) ImageRef.parse(name); // fail before any work
        try (Source src = Source.open(path)) {
            return importFrom(src, spec, ref, name);
        } catch (IOException e) {
            throw new ImageException("cannot read " + spec + ": " + e.getMessage(), e);
        }
    }

    /** The same import from any source: a directory, an archive, a registry. */
    Image importFrom(Source src, String spec, String ref, String name) throws ImageException {
        try {
            if (src.exists("oci-layout") && src.exists("index.json")) return oci(src, spec, ref, name);
            if (src.exists("manifest.json")) return dockerSave(src, spec, ref, name);
            throw new ImageException(spec + " is not an OCI image layout, an OCI archive or a docker-save tarball"
                    + " (it has neither oci-layout with index.json nor manifest.json)");
        } catch (IOException e) {
            throw new ImageException("cannot read " + spec + ": " + e.getMessage(), e);
        }
    }

    private Image oci(Source src, String spec, String ref, String name) throws ImageException, IOException {
        JsonNode index = OciJson.parse(src.read("index.json", METADATA_LIMIT), spec + ": index.json");
        List<JsonNode> candidates = new ArrayList<>();
        index.path("manifests").forEach(candidates::add);
        if (ref != null) {
            String r = ref;
            candidates.removeIf(d -> !refName(d).equals(r) && !refName(d).endsWith(":" + r));
            if (candidates.isEmpty()) throw new ImageException(spec + " has no image named '" + ref + "' (it has: " + refs(index) + ")");
        }
        JsonNode chosen = choose(src, spec, candidates, index);
        String refName = refName(chosen);
        Descriptor manifestDesc = OciJson.descriptor(chosen, spec + ": manifest descriptor");
        if (name == null && (refName.contains(":") || refName.contains("/"))) name = validName(refName);
        return fromManifest(src, spec, manifestDesc, name);
    }

    /** One manifest: by ref, by platform among several, or the only one; indexes are followed. */
    private JsonNode choose(Source src, String spec, List<JsonNode> candidates, JsonNode index) throws ImageException, IOException {
        if (candidates.isEmpty()) throw new ImageException(spec + ": index.json lists no manifests");
        List<JsonNode> matching = candidates;
        if (candidates.size() > 1) {
            boolean platforms = candidates.stream().allMatch(d -> d.has("platform"));
            if (!platforms) throw new ImageException(spec + " holds several images: choose one with " + spec + ":REF (refs: " + refs(index) + ")");
            matching = candidates.stream().filter(d -> platform(d).equals(platform) || platform(d).startsWith(platform + "/")).toList();
            if (matching.isEmpty()) {
                throw new ImageException(spec + " has no image for " + platform + " (it has: "
                        + String.join(", ", candidates.stream().map(Importer::platform).toList()) + "); choose one with --platform");
            }
        }
        JsonNode d = matching.get(0);
        String mt = d.path("mediaType").asText("");
        if (mt.equals(OciJson.OCI_INDEX) || mt.equals(OciJson.DOCKER_LIST)) {
            Descriptor nested = OciJson.descriptor(d, spec + ": nested index");
            JsonNode inner = OciJson.parse(blob(src, nested, "image index"), spec + ": image index " + nested.digest());
            List<JsonNode> next = new ArrayList<>();
            inner.path("manifests").forEach(next::add);
            JsonNode picked = choose(src, spec, next, inner);
            // keep the outer ref name: the nested manifests rarely carry one
            if (!d.path("annotations").isMissingNode() && picked.path("annotations").isMissingNode()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) picked).set("annotations", d.path("annotations"));
            }
            return picked;
        }
        return d;
    }

    private static String platform(JsonNode d) {
        JsonNode p = d.path("platform");
        String s = p.path("os").asText("") + "/" + p.path("architecture").asText("");
        return p.has("variant") ? s + "/" + p.path("variant").asText() : s;
    }

    private static String refName(JsonNode d) {
        return d.path("annotations").path(OciJson.REF_NAME).asText("");
    }

    private static String refs(JsonNode index) {
        List<String> names = new ArrayList<>();
        index.path("manifests").forEach(d -> names.add(refName(d).isEmpty() ? "(unnamed " + platform(d) + ")" : refName(d)));
        return String.join(", ", names);
    }

    private static String validName(String s) {
        try {
            return ImageRef.parse(s).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] blob(Source src, Descriptor d, String what) throws ImageException, IOException {
        String path = "blobs/" + d.digest().algorithm() + "/" + d.digest().hex();
        if (!src.exists(path)) throw new ImageException("the " + what + " " + d.digest() + " is missing (no " + path + ")");
        byte[] data = src.read(path, METADATA_LIMIT);
        Digest found = Digest.of(data);
        if (!found.equals(d.digest())) throw new ImageException.DigestMismatch("the " + what + " " + path, d.digest(), found);
        return data;
    }

    private Image fromManifest(Source src, String spec, Descriptor manifestDesc, String name) throws ImageException, IOException {
        byte[] manifestBytes = blob(src, manifestDesc, "manifest");
        JsonNode manifest = OciJson.parse(manifestBytes, spec + ": manifest " + manifestDesc.digest());
        Descriptor configDesc = OciJson.descriptor(manifest.path("config"), spec + ": config descriptor");
        byte[] configBytes = blob(src, configDesc, "image config");
        ImageConfig config = OciJson.config(OciJson.parse(configBytes, spec + ": image config"));
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) layers.add(OciJson.descriptor(l, spec + ": layer descriptor"));
        check(spec, config, layers.size());
        for (Descriptor l : layers) {
            String path = "blobs/" + l.digest().algorithm() + "/" + l.digest().hex();
            if (!src.exists(path) && !store.hasLayer(config.diffIds().get(layers.indexOf(l))))
                throw new ImageException("layer " + l.digest() + " is missing (no " + path + "): the image is incomplete");
        }
        List<String> paths = layers.stream().map(l -> "blobs/" + l.digest().algorithm() + "/" + l.digest().hex()).toList();
        ingestLayers(src, paths, layers, config);
        store.putBlob(configBytes, configDesc.digest());
        store.putBlob(manifestBytes, manifestDesc.digest());
        return save(configDesc.digest(), manifestDesc.digest(), name, config, layers);
    }

    private static void check(String spec, ImageConfig config, int layers) throws ImageException {
        if (config.diffIds().size() != layers)
            throw new ImageException(spec + ": the manifest lists " + layers + " layers but the config has "
                    + config.diffIds().size() + " diff_ids");
        if (!config.os().isEmpty() && !config.os().equals("linux"))
            throw new ImageException(spec + " is an image for " + config.os() + ", not linux");
    }

    private void ingestLayers(Source src, List<String> paths, List<Descriptor> layers, ImageConfig config) throws ImageException, IOException {
        for (int i = 0; i < layers.size(); i++) {
            Digest diffId = config.diffIds().get(i);
            if (store.hasLayer(diffId)) continue;
            Descriptor d = layers.get(i);
            long total = d.size() >= 0 ? d.size() : src.size(paths.get(i));
            int index = i;
            try (InputStream in = src.open(paths.get(i))) {
                store.putLayer(in, d, diffId, bytes -> progress.layer(index, layers.size(), bytes, total));
            } catch (NoSuchFileException e) {
                throw new ImageException("layer " + paths.get(i) + " is missing: the image is incomplete", e);
            }
        }
    }

    private Image save(Digest id, Digest manifest, String name, ImageConfig config, List<Descriptor> layers) throws ImageException {
        Image image = new Image(id, manifest, name == null ? List.of() : List.of(ImageRef.parse(name).toString()), config,
                layers, System.currentTimeMillis());
        store.save(image);
        return store.get(id.toString());
    }

    /** docker save: manifest.json lists Config and Layers paths, and RepoTags. */
    private Image dockerSave(Source src, String spec, String ref, String name) throws ImageException, IOException {
        JsonNode manifest = OciJson.parse(src.read("manifest.json", METADATA_LIMIT), spec + ": manifest.json");
        List<JsonNode> entries = new ArrayList<>();
        manifest.forEach(entries::add);
        if (ref != null) {
            entries.removeIf(e -> {
                for (JsonNode t : e.path("RepoTags")) if (t.asText().equals(ref) || t.asText().endsWith(":" + ref)) return false;
                return true;
            });
        }
        if (entries.size() != 1) {
            throw new ImageException(spec + (entries.isEmpty() ? " has no image " + (ref == null ? "" : "named " + ref)
                    : " holds " + entries.size() + " images: choose one with " + spec + ":TAG"));
        }
        JsonNode e = entries.get(0);
        String configPath = e.path("Config").asText();
        byte[] configBytes = src.read(configPath, METADATA_LIMIT);
        Digest id = Digest.of(configBytes);
        String named = Path.of(configPath).getFileName().toString().replace(".json", "");
        if (named.matches("[0-9a-f]{64}") && !named.equals(id.hex()))
            throw new ImageException.DigestMismatch("the image config " + configPath, new Digest("sha256", named), id);
        ImageConfig config = OciJson.config(OciJson.parse(configBytes, spec + ": " + configPath));
        List<String> paths = new ArrayList<>();
        e.path("Layers").forEach(l -> paths.add(l.asText()));
        check(spec, config, paths.size());
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            String p = paths.get(i);
            if (!src.exists(p) && !store.hasLayer(config.diffIds().get(i)))
                throw new ImageException("layer " + p + " is missing: the image is incomplete");
            // The newer format names layers by digest; legacy ones are plain tars whose digest
            // is their diff_id, verified as they unpack.
            String last = Path.of(p).getFileName().toString();
            Digest digest = p.startsWith("blobs/sha256/") && last.matches("[0-9a-f]{64}") ? new Digest("sha256", last) : null;
            layers.add(new Descriptor("application/vnd.oci.image.layer.v1.tar", digest, src.size(p)));
        }
        ingestLayers(src, paths, layers, config);
        List<Descriptor> stored = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor d = layers.get(i);
            stored.add(new Descriptor(d.mediaType(), d.digest() != null ? d.digest() : config.diffIds().get(i), d.size()));
        }
        store.putBlob(configBytes, id);
        if (name == null && e.path("RepoTags").size() > 0) name = validName(e.path("RepoTags").get(0).asText());
        return save(id, null, name, config, stored);
    }
}
