package dev.coop.images.internal;

import dev.coop.images.Digest;
import dev.coop.sys.ErrnoException;
import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Packs a container's overlay upper directory into an OCI layer: the inverse of
 * {@link LayerUnpacker}. overlayfs whiteouts (0:0 character devices) become ".wh.NAME" entries
 * and opaque directories a ".wh..wh..opq" entry; hard links, devices, owners, modes, times and
 * security.capability are kept. Writes tar+gzip and returns both digests.
 */
public final class LayerPacker {
    private static final int S_IFMT = 0170000, S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000;

    /** The packed layer: its compressed digest and size, and its uncompressed digest (diff_id). */
    public record Packed(Digest blob, long size, Digest diffId) {}

    private final Syscalls sys;

    public LayerPacker(Syscalls sys) {
        this.sys = sys;
    }

    public Packed pack(Path dir, Path out) throws IOException {
        MessageDigest blobMd = Digest.sha256(), diffMd = Digest.sha256();
        try (OutputStream file = Files.newOutputStream(out);
             DigestOutputStream blob = new DigestOutputStream(file, blobMd);
             GZIPOutputStream gz = new GZIPOutputStream(blob, 1 << 16);
             DigestOutputStream diff = new DigestOutputStream(gz, diffMd);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(diff)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Map<Object, String> inodes = new HashMap<>();
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (d.equals(dir)) return FileVisitResult.CONTINUE;
                    String name = dir.relativize(d) + "/";
                    TarArchiveEntry e = new TarArchiveEntry(name, true);
                    meta(e, d);
                    write(tar, e, null);
                    if ("y".equals(xattr(d, "trusted.overlay.opaque"))) {
                        TarArchiveEntry o = new TarArchiveEntry(name + ".wh..wh..opq", true);
                        o.setModTime(e.getLastModifiedTime());
                        write(tar, o, null);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    String name = dir.relativize(f).toString();
                    int mode = (Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    int type = mode & S_IFMT;
                    long rdev = ((Number) Files.getAttribute(f, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue();
                    TarArchiveEntry e;
                    if (type == S_IFCHR && rdev == 0) { // an overlayfs whiteout: a deletion
                        Path parent = Path.of(name).getParent();
                        String wh = (parent == null ? "" : parent + "/") + ".wh." + f.getFileName();
                        e = new TarArchiveEntry(wh, true);
                        e.setModTime(Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS));
                        write(tar, e, null);
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isSymbolicLink()) {
                        e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
                        e.setLinkName(Files.readSymbolicLink(f).toString());
                    } else if (type == S_IFCHR || type == S_IFBLK || type == S_IFIFO) {
                        e = new TarArchiveEntry(name, type == S_IFCHR ? TarArchiveEntry.LF_CHR
                                : type == S_IFBLK ? TarArchiveEntry.LF_BLK : TarArchiveEntry.LF_FIFO, true);
                        e.setDevMajor((int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL)));
                        e.setDevMinor((int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL)));
                    } else {
                        Object key = Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                        int nlink = (Integer) Files.getAttribute(f, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
                        String first = nlink > 1 ? inodes.putIfAbsent(key, name) : null;
                        if (first != null) {
                            e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
                            e.setLinkName(first);
                            meta(e, f);
                            write(tar, e, null);
                            return FileVisitResult.CONTINUE;
                        }
                        e = new TarArchiveEntry(name, true);
                        e.setSize(attrs.size());
                    }
                    meta(e, f);
                    write(tar, e, e.isFile() ? f : null);
                    return FileVisitResult.CONTINUE;
                }
            });
            tar.finish();
        }
        return new Packed(Digest.of(blobMd), Files.size(out), Digest.of(diffMd));
    }

    private void meta(TarArchiveEntry e, Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        e.setMode(mode);
        e.setUserId(((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue());
        e.setGroupId(((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue());
        FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        e.setModTime(t);
        if (e.isSymbolicLink()) return;
        byte[] cap = xattrBytes(p, "security.capability");
        if (cap != null) e.addPaxHeader("LIBARCHIVE.xattr.security.capability", Base64.getEncoder().encodeToString(cap));
    }

    private String xattr(Path p, String name) throws IOException {
        byte[] v = xattrBytes(p, name);
        return v == null ? null : new String(v, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private byte[] xattrBytes(Path p, String name) throws IOException {
        try {
            return sys.lgetxattr(p.toString(), name);
        } catch (ErrnoException e) {
            if (e.errno() == 95) return null; // EOPNOTSUPP: the filesystem has no xattrs
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void write(TarArchiveOutputStream tar, TarArchiveEntry e, Path content) throws IOException {
        tar.putArchiveEntry(e);
        if (content != null) Files.copy(content, tar);
        tar.closeArchiveEntry();
    }
}
