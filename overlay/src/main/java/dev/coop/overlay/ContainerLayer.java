package dev.coop.overlay;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * A container's private writable layer: STORE/containers/ID/{upper,work}. The lower layers are
 * shared and never written; overlayfs copies a file up into upper on its first write. The mount
 * itself happens in the container's own mount namespace (the native stage does it), so nothing
 * is mounted on the host and a crash cannot leave a mount behind; this class owns the directories.
 */
public final class ContainerLayer {
    private final Path dir;

    public ContainerLayer(Path storeRoot, String containerId) {
        this.dir = storeRoot.resolve("containers").resolve(containerId);
    }

    public Path dir() { return dir; }
    public Path upper() { return dir.resolve("upper"); }
    public Path work() { return dir.resolve("work"); }

    /** Creates upper and work; both must be on the same filesystem, which one parent ensures. */
    public void create() throws OverlayException {
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir);
            Files.createDirectory(upper());
            Files.createDirectory(work());
        } catch (IOException e) {
            remove(e);
            throw new OverlayException("cannot create the container layer in " + dir + ": " + e, e);
        }
    }

    /**
     * The overlay mount data. Lower layers are listed top-most first, as overlayfs wants them.
     * Each path goes into a comma-separated option string, so commas and colons are refused.
     */
    public String mountData(LowerLayers lowers) throws OverlayException {
        StringBuilder sb = new StringBuilder("lowerdir=");
        for (int i = 0; i < lowers.names().size(); i++) {
            if (i > 0) sb.append(':');
            sb.append(checked(lowers.names().get(i)));
        }
        sb.append(",upperdir=").append(checked(upper().toString())).append(",workdir=").append(checked(work().toString()));
        // A page is the most the kernel reads of mount data: beyond it the mount fails with EINVAL.
        if (sb.length() >= 4096)
            throw new OverlayException("overlay mount options exceed one page (" + sb.length() + " bytes) for "
                    + lowers.names().size() + " layers");
        return sb.toString();
    }

    private static String checked(String s) throws OverlayException {
        if (s.indexOf(',') >= 0 || s.indexOf(':') >= 0 || s.indexOf('\\') >= 0)
            throw new OverlayException("overlayfs cannot take a layer path containing ',', ':' or '\\': " + s);
        return s;
    }

    /** Removes the writable layer and everything written to it. Idempotent. */
    public void remove() throws OverlayException {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new OverlayException("cannot remove the container layer " + dir + ": " + e, e);
        }
    }

    private void remove(Exception cause) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Deletes a tree without following symlinks out of it. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) throw exc;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Whether this kernel has overlayfs (built in, or its module loaded). */
    public static boolean supported() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n");
        } catch (IOException e) {
            return false;
        }
    }
}
