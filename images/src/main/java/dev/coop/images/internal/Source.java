package dev.coop.images.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/** Where an image's files come from: a directory, or a tar archive read in place (random access). */
public interface Source extends Closeable {
    boolean exists(String path);

    /** @return -1 if it does not exist */
    long size(String path) throws IOException;

    InputStream open(String path) throws IOException;

    default byte[] read(String path, long limit) throws IOException {
        long size = size(path);
        if (size < 0) throw new java.nio.file.NoSuchFileException(path);
        if (size > limit) throw new IOException(path + " is " + size + " bytes: more than the " + limit + " a metadata file may have");
        try (InputStream in = open(path)) {
            return in.readNBytes((int) size);
        }
    }

    static Source open(Path p) throws IOException {
        return Files.isDirectory(p) ? new Dir(p) : new Tar(p);
    }

    final class Dir implements Source {
        private final Path root;

        Dir(Path root) {
            this.root = root;
        }

        private Path resolve(String path) throws IOException {
            Path r = root.resolve(path).normalize();
            if (!r.startsWith(root)) throw new IOException("path '" + path + "' leaves the image directory");
            return r;
        }

        @Override
        public boolean exists(String path) {
            try {
                return Files.isRegularFile(resolve(path));
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public long size(String path) throws IOException {
            Path r = resolve(path);
            return Files.isRegularFile(r) ? Files.size(r) : -1;
        }

        @Override
        public InputStream open(String path) throws IOException {
            Path r = resolve(path);
            if (Files.isSymbolicLink(r) && !r.toRealPath().startsWith(root.toRealPath()))
                throw new IOException("'" + path + "' is a symlink out of the image directory");
            return Files.newInputStream(r);
        }

        @Override
        public void close() {}
    }

    final class Tar implements Source {
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> entries = new HashMap<>();

        Tar(Path file) throws IOException {
            this.tar = new TarFile(file);
            for (TarArchiveEntry e : tar.getEntries()) {
                String n = e.getName();
                while (n.startsWith("./")) n = n.substring(2);
                if (e.isFile()) entries.put(n, e);
            }
        }

        @Override
        public boolean exists(String path) {
            return entries.containsKey(path);
        }

        @Override
        public long size(String path) {
            TarArchiveEntry e = entries.get(path);
            return e == null ? -1 : e.getSize();
        }

        @Override
        public InputStream open(String path) throws IOException {
            TarArchiveEntry e = entries.get(path);
            if (e == null) throw new java.nio.file.NoSuchFileException(path);
            return tar.getInputStream(e);
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }
}
