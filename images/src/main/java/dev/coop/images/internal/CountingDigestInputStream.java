package dev.coop.images.internal;

import dev.coop.images.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes and counts what passes through, so content is verified while it streams. */
public final class CountingDigestInputStream extends FilterInputStream {
    private final MessageDigest md = Digest.sha256();
    private long count;

    public CountingDigestInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            md.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            md.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads what is left (a tar has padding after its end marker), then returns the digest. */
    public Digest drainAndDigest() throws IOException {
        byte[] buf = new byte[65536];
        while (read(buf, 0, buf.length) >= 0) {
            // the digest covers every byte of the stream
        }
        return Digest.of(md);
    }

    public long count() {
        return count;
    }
}
