package dev.coop.images;

import com.github.luben.zstd.ZstdInputStream;
import dev.coop.images.internal.CountingDigestInputStream;
import dev.coop.images.internal.LayerUnpacker;
import dev.coop.images.internal.PrefetchInputStream;
import dev.coop.images.internal.Records;
import dev.coop.overlay.ContainerLayer;
import dev.coop.sys.Syscalls;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.apache.commons.io.input.TeeInputStream;

/**
 * The content-addressed store under ROOT (default /var/lib/coop):
 * <pre>
 *   blobs/sha256/HEX      every blob, as the registry or archive had it (verified)
 *   layers/sha256/HEX     each layer unpacked once, named by its diff_id, shared read-only
 *   l/SHORT -> ../layers/sha256/HEX   short names that keep a deep overlay's options in a page
 *   images/HEX.json       one record per image (HEX: its config digest, the image id)
 *   refs.json             NAME:TAG -> image id
 *   tmp/                  where everything is written before an atomic rename makes it visible
 * </pre>
 */
public final class ImageStore {
    private final Path root;
    private final Syscalls sys;

    public ImageStore(Path root, Syscalls sys) {
        this.root = root;
        this.sys = sys;
    }

    public Path root() { return root; }
    public Path blobPath(Digest d) { return root.resolve("blobs").resolve(d.algorithm()).resolve(d.hex()); }
    public Path layerDir(Digest diffId) { return root.resolve("layers").resolve(diffId.algorithm()).resolve(diffId.hex()); }
    public Path linkDir() { return root.resolve("l"); }
    private Path imageFile(Digest id) { return root.resolve("images").resolve(id.hex() + ".json"); }
    private Path refsFile() { return root.resolve("refs.json"); }

    private Path tmp(String prefix) throws IOException {
        Path t = root.resolve("tmp");
        Files.createDirectories(t);
        return t.resolve(prefix + UUID.randomUUID());
    }

    /** Holds the store's lock: serializes changes to the image records and names. */
    public FileChannel lock() throws ImageException {
        try {
            Files.createDirectories(root);
            FileChannel ch = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.lock();
            return ch;
        } catch (IOException e) {
            throw new ImageException("cannot lock the image store " + root + ": " + e, e);
        }
    }

    /** Stores a small blob (config, manifest) verified against its digest. */
    public void putBlob(byte[] data, Digest expected) throws ImageException {
        Digest found = Digest.of(data);
        if (!found.equals(expected)) throw new ImageException.DigestMismatch("blob", expected, found);
        if (Files.exists(blobPath(expected))) return;
        try {
            Path t = tmp("blob-");
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(data));
                ch.force(false);
            }
            commit(t, blobPath(expected));
        } catch (IOException e) {
            throw new ImageException("cannot store blob " + expected + ": " + e, e);
        }
    }

    public boolean hasLayer(Digest diffId) {
        return Files.isDirectory(layerDir(diffId));
    }

    /**
     * Stores a layer blob and unpacks it in one pass over the source: the compressed bytes are
     * hashed and written to the blob file while they are decompressed, hashed again (the
     * diff_id) and unpacked. Both digests must match before either becomes visible.
     *
     * @param blob     its digest may be null where the source does not name one (legacy docker-save)
     * @param progress called with the compressed bytes read so far
     */
    public void putLayer(InputStream source, Descriptor blob, Digest diffId, java.util.function.LongConsumer progress)
            throws ImageException {
        if (hasLayer(diffId) && (blob.digest() == null || Files.exists(blobPath(blob.digest())))) return;
        Path tmpBlob = null, tmpLayer = null;
        try {
            tmpBlob = tmp("blob-");
            tmpLayer = tmp("layer-");
            Files.createDirectory(tmpLayer);
            Digest blobDigest, found;
            // One pass: the prefetch thread reads, hashes (blob), stores, decompresses and hashes
            // again (diff_id); this thread unpacks what comes out. Both digests are complete
            // once the prefetcher has reached the end of the source.
            CountingDigestInputStream raw = new CountingDigestInputStream(new ProgressInputStream(source, progress));
            try (OutputStream blobOut = Files.newOutputStream(tmpBlob, StandardOpenOption.CREATE_NEW)) {
                InputStream tee = new TeeInputStream(raw, blobOut);
                CountingDigestInputStream diff;
                try {
                    diff = new CountingDigestInputStream(decompress(new BufferedInputStream(tee, 1 << 16)));
                } catch (IOException e) {
                    throw corrupt(blob, raw, e);
                }
                try (PrefetchInputStream prefetched = new PrefetchInputStream(diff)) {
                    try {
                        new LayerUnpacker(tmpLayer, sys).unpack(prefetched);
                        prefetched.finish();
                    } catch (IOException e) {
                        prefetched.close();
                        throw corrupt(blob, raw, e);
                    }
                }
                found = diff.drainAndDigest();
                blobDigest = raw.drainAndDigest();
                if (blob.size() >= 0 && raw.count() != blob.size())
                    throw new ImageException("layer " + blob.digest() + " is " + raw.count() + " bytes but its descriptor says "
                            + blob.size() + ": truncated or corrupt");
            }
            if (blob.digest() != null && !blobDigest.equals(blob.digest()))
                throw new ImageException.DigestMismatch("layer blob", blob.digest(), blobDigest);
            if (!found.equals(diffId)) throw new ImageException.DigestMismatch("uncompressed layer (diff_id)", diffId, found);
            try (FileChannel ch = FileChannel.open(tmpBlob, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
            commit(tmpBlob, blobPath(blobDigest));
            tmpBlob = null;
            commit(tmpLayer, layerDir(diffId));
            tmpLayer = null;
        } catch (IOException e) {
            throw new ImageException("cannot unpack layer " + diffId + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmpBlob);
            deleteQuietly(tmpLayer);
        }
    }

    /**
     * Corrupt compressed data fails in the decompressor before any digest check: say what it
     * really is when the blob's digest shows it.
     */
    private static ImageException corrupt(Descriptor blob, CountingDigestInputStream raw, IOException e) throws IOException {
        Digest actual = raw.drainAndDigest();
        if (blob.digest() != null && !actual.equals(blob.digest())) return new ImageException.DigestMismatch("layer blob", blob.digest(), actual);
        return new ImageException("layer " + blob.digest() + " is not a readable tar stream: " + e.getMessage(), e);
    }

    /** gzip, zstd or plain tar, told apart by their magic bytes (media types are not always right). */
    static InputStream decompress(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] m = in.readNBytes(4);
        in.reset();
        if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) return new GZIPInputStream(in, 1 << 16);
        if (m.length == 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd)
            return new ZstdInputStream(in);
        return in;
    }

    /** Renames into place; if another import got there first, its copy is the same content. */
    private static void commit(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteQuietly(from);
        }
    }

    /** The short link name of a layer, created on first use: lowerdir=l/NAME:l/NAME... */
    public String layerLink(Digest diffId) throws ImageException {
        Path target = Path.of("..", "layers", diffId.algorithm(), diffId.hex());
        for (int len = 12; len <= 64; len += 4) {
            String name = diffId.hex().substring(0, len);
            Path link = linkDir().resolve(name);
            try {
                Files.createDirectories(linkDir());
                if (Files.isSymbolicLink(link)) {
                    if (Files.readSymbolicLink(link).equals(target)) return name;
                    continue; // a prefix collision: lengthen
                }
                Files.createSymbolicLink(link, target);
                return name;
            } catch (FileAlreadyExistsException e) {
                len -= 4; // a concurrent import made it: look again
            } catch (IOException e) {
                throw new ImageException("cannot create the layer link " + link + ": " + e, e);
            }
        }
        throw new ImageException("no free short name for layer " + diffId);
    }

    public void save(Image image) throws ImageException {
        try (FileChannel lock = lock()) {
            Files.createDirectories(imageFile(image.id()).getParent());
            Map<String, Digest> refs = refs();
            Image merged = image;
            if (Files.exists(imageFile(image.id()))) { // re-import: keep the names it had
                List<String> names = new ArrayList<>(read(image.id()).names());
                for (String n : image.names()) if (!names.contains(n)) names.add(n);
                merged = new Image(image.id(), image.manifest(), names, image.config(), image.layers(), image.importedMillis());
            }
            for (String n : merged.names()) moveName(refs, n, merged.id());
            writeAtomic(imageFile(merged.id()), Records.image(merged));
            writeAtomic(refsFile(), Records.refs(refs));
        } catch (IOException e) {
            throw new ImageException("cannot record image " + image.id() + ": " + e, e);
        }
    }

    /** A name belongs to one image: taking it removes it from the image that had it. */
    private void moveName(Map<String, Digest> refs, String name, Digest to) throws IOException {
        Digest old = refs.put(name, to);
        if (old != null && !old.equals(to) && Files.exists(imageFile(old))) {
            Image o = read(old);
            List<String> names = new ArrayList<>(o.names());
            names.remove(name);
            writeAtomic(imageFile(old), Records.image(new Image(o.id(), o.manifest(), names, o.config(), o.layers(), o.importedMillis())));
        }
    }

    private Map<String, Digest> refs() throws IOException {
        try {
            return new TreeMap<>(Records.refs(Files.readAllBytes(refsFile())));
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        }
    }

    private Image read(Digest id) throws IOException {
        return Records.image(Files.readAllBytes(imageFile(id)));
    }

    /** NAME[:TAG], a full or short image id, or sha256:HEX. */
    public Image get(String ref) throws ImageException {
        try {
            Map<String, Digest> refs = refs();
            Digest id = refs.get(ref);
            if (id == null && !ref.contains("@")) {
                try {
                    id = refs.get(ImageRef.parse(ref).toString());
                } catch (IllegalArgumentException ignored) {
                    // not a name: maybe an id
                }
            }
            if (id == null) {
                String hex = ref.startsWith("sha256:") ? ref.substring(7) : ref;
                if (hex.matches("[0-9a-f]{4,64}")) {
                    List<Image> matches = list().stream().filter(i -> i.id().hex().startsWith(hex)).toList();
                    if (matches.size() > 1) throw new ImageException("'" + ref + "' matches " + matches.size() + " images: give more of the id");
                    if (matches.size() == 1) return matches.get(0);
                }
                throw new ImageException.NotFound(ref);
            }
            return read(id);
        } catch (NoSuchFileException e) {
            throw new ImageException.NotFound(ref);
        } catch (IOException e) {
            throw new ImageException("cannot read the image store: " + e, e);
        }
    }

    /** An image's record as pretty JSON, for `coop images inspect --json`. */
    public static byte[] json(Image image) throws ImageException {
        try {
            return Records.image(image);
        } catch (IOException e) {
            throw new ImageException("cannot encode image " + image.id() + ": " + e, e);
        }
    }

    public List<Image> list() throws ImageException {
        List<Image> out = new ArrayList<>();
        Path dir = root.resolve("images");
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) out.add(Records.image(Files.readAllBytes(p)));
        } catch (IOException e) {
            throw new ImageException("cannot list images in " + dir + ": " + e, e);
        }
        out.sort((a, b) -> Long.compare(b.importedMillis(), a.importedMillis()));
        return out;
    }

    public void tag(String source, String name) throws ImageException {
        Image i = get(source);
        String n = ImageRef.parse(name).toString();
        List<String> names = new ArrayList<>(i.names());
        if (!names.contains(n)) names.add(n);
        save(new Image(i.id(), i.manifest(), names, i.config(), i.layers(), i.importedMillis()));
    }

    /**
     * Removes a name, or the image when it was its last name (or when given by id). An image
     * that a container uses keeps its record (and layers) with --force, losing only its names.
     *
     * @return what was done, for people: "untagged NAME" or "deleted ID"
     */
    public String remove(String ref, boolean force, Predicate<Digest> inUse) throws ImageException {
        Image i = get(ref);
        try (FileChannel lock = lock()) {
            Map<String, Digest> refs = refs();
            String name = refs.containsKey(ref) ? ref : refs.containsKey(safeName(ref)) ? safeName(ref) : null;
            if (name != null && i.names().size() > 1) {
                refs.remove(name);
                List<String> names = new ArrayList<>(i.names());
                names.remove(name);
                writeAtomic(imageFile(i.id()), Records.image(new Image(i.id(), i.manifest(), names, i.config(), i.layers(), i.importedMillis())));
                writeAtomic(refsFile(), Records.refs(refs));
                return "untagged " + name;
            }
            if (inUse.test(i.id())) {
                if (!force)
                    throw new ImageException("image " + i.displayName() + " is used by a container: remove the container first, or use --force to drop its names");
                i.names().forEach(refs::remove);
                writeAtomic(imageFile(i.id()), Records.image(new Image(i.id(), i.manifest(), List.of(), i.config(), i.layers(), i.importedMillis())));
                writeAtomic(refsFile(), Records.refs(refs));
                return "untagged " + String.join(", ", i.names()) + " (kept " + i.id().shortHex() + ": a container uses it)";
            }
            i.names().forEach(refs::remove);
            writeAtomic(refsFile(), Records.refs(refs));
            Files.delete(imageFile(i.id()));
            return "deleted " + i.id();
        } catch (IOException e) {
            throw new ImageException("cannot remove image " + ref + ": " + e, e);
        }
    }

    private static String safeName(String ref) {
        try {
            return ImageRef.parse(ref).toString();
        } catch (IllegalArgumentException e) {
            return ref;
        }
    }

    /** Deletes the blobs, layers and links no image references; returns the bytes freed. */
    public long prune() throws ImageException {
        try (FileChannel lock = lock()) {
            Set<String> blobs = new HashSet<>(), layers = new HashSet<>();
            for (Image i : list()) {
                blobs.add(i.id().hex());
                if (i.manifest() != null) blobs.add(i.manifest().hex());
                i.layers().forEach(d -> blobs.add(d.digest().hex()));
                i.config().diffIds().forEach(d -> layers.add(d.hex()));
            }
            long freed = 0;
            freed += sweep(root.resolve("blobs/sha256"), blobs);
            freed += sweep(root.resolve("layers/sha256"), layers);
            if (Files.isDirectory(linkDir())) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(linkDir())) {
                    for (Path l : ds) if (!Files.exists(l)) Files.delete(l); // target pruned
                }
            }
            ContainerLayer.deleteTree(root.resolve("tmp")); // leftovers of interrupted imports
            return freed;
        } catch (IOException e) {
            throw new ImageException("cannot prune " + root + ": " + e, e);
        }
    }

    private static long sweep(Path dir, Set<String> keep) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        long freed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (keep.contains(p.getFileName().toString())) continue;
                freed += du(p);
                ContainerLayer.deleteTree(p);
            }
        }
        return freed;
    }

    private static long du(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The unpacked layer directories of an image, top-most first, as short links under {@link #linkDir()}. */
    public List<String> lowerLinks(Image image) throws ImageException {
        List<String> names = new ArrayList<>();
        List<Digest> diffs = image.config().diffIds();
        for (int i = diffs.size() - 1; i >= 0; i--) {
            if (!hasLayer(diffs.get(i)))
                throw new ImageException("layer " + diffs.get(i) + " of " + image.displayName() + " is missing from the store: import the image again");
            names.add(layerLink(diffs.get(i)));
        }
        return names;
    }

    static void writeAtomic(Path target, byte[] data) throws IOException {
        dev.coop.sys.AtomicFiles.write(target, data);
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            ContainerLayer.deleteTree(p);
        } catch (IOException ignored) {
            // in tmp/: prune removes it
        }
    }

    /** Counts bytes for a progress display. */
    private static final class ProgressInputStream extends java.io.FilterInputStream {
        private final java.util.function.LongConsumer progress;
        private long count;

        ProgressInputStream(InputStream in, java.util.function.LongConsumer progress) {
            super(in);
            this.progress = progress == null ? n -> {} : progress;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) progress.accept(++count);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) progress.accept(count += n);
            return n;
        }
    }
}
