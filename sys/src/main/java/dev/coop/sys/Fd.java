package dev.coop.sys;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/** An owned file descriptor. Closing twice is harmless; using a closed one is an error. */
public final class Fd implements AutoCloseable {
    private volatile int fd;

    Fd(int fd) {
        this.fd = fd;
    }

    public int number() {
        int n = fd;
        if (n < 0) throw new IllegalStateException("file descriptor already closed");
        return n;
    }

    /** Reads up to {@code len} bytes; returns 0 at end of file. Retries on EINTR. */
    public int read(byte[] dst, int off, int len) throws ErrnoException {
        try (Memory buf = new Memory(Math.max(1, len))) {
            while (true) {
                long n = LibC.INSTANCE.read(number(), buf, len);
                if (n >= 0) {
                    buf.read(0, dst, off, (int) n);
                    return (int) n;
                }
                int e = Native.getLastError();
                if (e != Errno.EINTR) throw new ErrnoException("read(fd=" + fd + ")", e);
            }
        }
    }

    public void writeFully(byte[] data) throws ErrnoException {
        int off = 0;
        while (off < data.length) {
            byte[] chunk = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
            long n = LibC.INSTANCE.write(number(), chunk, chunk.length);
            if (n < 0) {
                int e = Native.getLastError();
                if (e == Errno.EINTR) continue;
                throw new ErrnoException("write(fd=" + fd + ", len=" + chunk.length + ")", e);
            }
            off += (int) n;
        }
    }

    @Override
    public void close() {
        int n = fd;
        if (n >= 0) {
            fd = -1;
            LibC.INSTANCE.close(n);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
