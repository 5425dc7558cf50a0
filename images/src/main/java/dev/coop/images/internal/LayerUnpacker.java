package dev.coop.images.internal;

import dev.coop.images.ImageException;
import dev.coop.sys.ErrnoException;
import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one layer tar into an empty directory, as overlayfs wants a lower layer:
 * OCI whiteouts (.wh.NAME) become 0:0 character devices, opaque markers (.wh..wh..opq) the
 * trusted.overlay.opaque xattr. Everything an image relies on is kept: file types, ownership,
 * permissions with setuid/setgid/sticky, times, xattrs (security.capability included).
 *
 * Nothing may land outside the directory: absolute names and ".." are refused, no entry is ever
 * written through a symlink (not even one the same archive made), a directory may not replace a
 * symlink, and a hard link may only point at an entry already inside the layer.
 */
public final class LayerUnpacker {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;

    private final Path root;
    private final Syscalls sys;
    private final Set<Path> checkedDirs = new HashSet<>();
    private final List<Object[]> dirTimes = new ArrayList<>();
    private final byte[] buf = new byte[1 << 16];

    public LayerUnpacker(Path root, Syscalls sys) {
        this.root = root;
        this.sys = sys;
        checkedDirs.add(root);
    }

    public void unpack(InputStream tar) throws IOException, ImageException {
        TarArchiveInputStream in = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
            try {
                entry(in, e);
            } catch (ErrnoException ex) {
                throw new ImageException("cannot unpack '" + e.getName() + "': " + ex.getMessage(), ex);
            }
        }
        // Directory times last: creating their contents changed them.
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            Object[] d = dirTimes.get(i);
            try {
                sys.lutimes(d[0].toString(), (Long) d[1], (Long) d[1]);
            } catch (ErrnoException ex) {
                throw new ImageException("cannot set the times of " + d[0] + ": " + ex.getMessage(), ex);
            }
        }
    }

    private void entry(TarArchiveInputStream in, TarArchiveEntry e) throws IOException, ImageException, ErrnoException {
        String name = e.getName();
        Path rel = clean(name, name, "");
        if (rel == null) { // the layer's root itself
            if (e.isDirectory()) attributes(root, e);
            return;
        }
        Path target = root.resolve(rel);
        Path parent = ensureParents(name, target.getParent());
        String base = rel.getFileName().toString();

        if (base.equals(OPAQUE)) {
            sys.lsetxattr(parent.toString(), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            Path hidden = parent.resolve(base.substring(WHITEOUT.length()));
            removeExisting(name, hidden, false);
            sys.mknod(hidden.toString(), S_IFCHR, 0, 0);
            return;
        }
        if (e.isDirectory()) {
            if (Files.isSymbolicLink(target))
                throw new ImageException.HostileArchive(name, "a directory would replace a symlink (the next entries could follow it out of the layer)");
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                removeExisting(name, target, false);
                Files.createDirectory(target);
            }
            checkedDirs.add(target);
            attributes(target, e);
            return;
        }
        removeExisting(name, target, true);
        if (e.isSymbolicLink()) {
            // Its target is resolved inside the container, never here: any target is allowed.
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
            Path linked = clean(e.getLinkName(), name, "hard link to '" + e.getLinkName() + "': ");
            if (linked == null) throw new ImageException.HostileArchive(name, "hard link to the layer's root");
            Path source = root.resolve(linked);
            ensureParents(name, source.getParent());
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS))
                throw new ImageException.HostileArchive(name, "hard link to '" + e.getLinkName() + "', which is not in the layer");
            Files.createLink(target, source);
            return; // a hard link shares its inode's attributes
        } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            int type = e.isCharacterDevice() ? S_IFCHR : e.isBlockDevice() ? S_IFBLK : S_IFIFO;
            sys.mknod(target.toString(), type | (e.getMode() & 07777), e.getDevMajor(), e.getDevMinor());
        } else if (e.isFile()) {
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            }
        } else {
            return; // sockets, GNU sparse headers handled by the stream, unknown types: nothing to create
        }
        attributes(target, e);
    }

    /** A relative, normalized path inside the layer, or null for the root itself. */
    private static Path clean(String path, String entry, String what) throws ImageException {
        String n = path;
        while (n.startsWith("./")) n = n.substring(2);
        if (n.startsWith("/")) throw new ImageException.HostileArchive(entry, what + "absolute path");
        if (n.isEmpty() || n.equals(".") || n.equals("./")) return null;
        Path p = Path.of(n);
        for (Path part : p) {
            if (part.toString().equals("..")) throw new ImageException.HostileArchive(entry, what + "'..' would leave the layer");
        }
        Path norm = p.normalize();
        return norm.toString().isEmpty() ? null : norm;
    }

    /** Creates missing parent directories; refuses to go through a symlink. */
    private Path ensureParents(String entry, Path dir) throws IOException, ImageException {
        if (dir == null || checkedDirs.contains(dir)) return dir == null ? root : dir;
        ensureParents(entry, dir.getParent());
        if (Files.isSymbolicLink(dir))
            throw new ImageException.HostileArchive(entry, "goes through the symlink '" + root.relativize(dir) + "'");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS))
                throw new ImageException.HostileArchive(entry, "'" + root.relativize(dir) + "' is not a directory");
            Files.createDirectory(dir);
        }
        checkedDirs.add(dir);
        return dir;
    }

    /** Tar semantics: a later entry replaces an earlier one of the same name. */
    private void removeExisting(String entry, Path p, boolean forFile) throws IOException, ImageException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            if (forFile) {
                try (var s = Files.list(p)) {
                    if (s.findAny().isPresent())
                        throw new ImageException.HostileArchive(entry, "replaces a non-empty directory");
                }
            }
            checkedDirs.remove(p);
        }
        Files.delete(p);
    }

    private void attributes(Path p, TarArchiveEntry e) throws ErrnoException {
        String path = p.toString();
        sys.lchown(path, (int) e.getLongUserId(), (int) e.getLongGroupId());
        // chown clears setuid/setgid, so the mode comes after it; symlinks have no mode of their own.
        if (!e.isSymbolicLink()) sys.chmod(path, e.getMode() & 07777);
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            String k = h.getKey();
            if (k.startsWith("SCHILY.xattr.")) {
                // commons-compress hands PAX values over as UTF-8 text; xattr values are bytes.
                sys.lsetxattr(path, k.substring(13), h.getValue().getBytes(StandardCharsets.UTF_8));
            } else if (k.startsWith("LIBARCHIVE.xattr.")) {
                sys.lsetxattr(path, k.substring(17), Base64.getDecoder().decode(h.getValue()));
            }
        }
        long mtime = e.getLastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                + e.getLastModifiedTime().toInstant().getNano();
        if (e.isDirectory()) dirTimes.add(new Object[] {p, mtime});
        else sys.lutimes(path, mtime, mtime);
    }
}
