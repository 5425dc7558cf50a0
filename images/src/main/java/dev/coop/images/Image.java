package dev.coop.images;

import java.util.List;

/**
 * An image in the store. Its id is its config's digest (as docker's is); its layers are listed
 * bottom first, as in the manifest.
 */
public record Image(Digest id, Digest manifest, List<String> names, ImageConfig config, List<Descriptor> layers,
                    long importedMillis) {
    public Image {
        names = List.copyOf(names);
        layers = List.copyOf(layers);
    }

    /** Bytes of the layers as stored (compressed). */
    public long size() {
        return layers.stream().mapToLong(d -> Math.max(0, d.size())).sum();
    }

    public String displayName() {
        return names.isEmpty() ? id.shortHex() : names.get(0);
    }
}
