package dev.coop.images.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream to its end on a thread of its own, handing chunks over through a bounded
 * queue. Unpacking a layer is two kinds of work: reading, hashing and decompressing (CPU), and
 * creating files (the kernel); this lets the two overlap on different cores.
 */
public final class PrefetchInputStream extends InputStream {
    private static final byte[] EOF = new byte[0];
    private static final int CHUNK = 1 << 16, DEPTH = 64; // at most 4 MiB in flight

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(DEPTH);
    private final Thread reader;
    private volatile IOException failure;
    private volatile boolean closed;
    private byte[] current = null;
    private int pos;

    public PrefetchInputStream(InputStream source) {
        reader = new Thread(() -> {
            try { // the caller owns the source: it reads the digests off it afterwards
                while (!closed) {
                    byte[] chunk = source.readNBytes(CHUNK);
                    if (chunk.length == 0) break;
                    while (!closed && !queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                        // the consumer is busy: wait, unless it has given up
                    }
                }
            } catch (IOException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    while (!closed && !queue.offer(EOF, 100, TimeUnit.MILLISECONDS)) {
                        // make room for the end marker
                    }
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "coop-prefetch");
        reader.setDaemon(true);
        reader.start();
    }

    private boolean fill() throws IOException {
        if (current == EOF) return false;
        if (current != null && pos < current.length) return true;
        try {
            current = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        pos = 0;
        if (current == EOF) {
            if (failure != null) throw failure;
            return false;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? current[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Waits for the reader to finish the whole source (so its digests are complete). */
    public void finish() throws IOException {
        byte[] sink = new byte[CHUNK];
        while (read(sink, 0, sink.length) >= 0) {
            // drain: the tar's end padding still has to be hashed
        }
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (failure != null) throw failure;
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
