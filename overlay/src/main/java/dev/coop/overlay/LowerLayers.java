package dev.coop.overlay;

import java.nio.file.Path;
import java.util.List;

/**
 * The read-only layers under a container, top-most first. With a base, the names are relative
 * to it (short links such as l/3f2a9c01b7de): the mount then happens with the base as working
 * directory, which keeps a deep image's overlay options inside the one page the kernel reads.
 */
public record LowerLayers(Path base, List<String> names) {
    public LowerLayers {
        names = List.copyOf(names);
        if (names.isEmpty()) throw new IllegalArgumentException("an overlay needs at least one lower layer");
    }

    /** A single directory: the --rootfs case. */
    public static LowerLayers of(Path dir) {
        return new LowerLayers(null, List.of(dir.toAbsolutePath().normalize().toString()));
    }

    public List<Path> paths() {
        return names.stream().map(n -> base == null ? Path.of(n) : base.resolve(n)).toList();
    }
}
