package dev.coop.runtime.internal;

import dev.coop.sys.ErrnoException;
import dev.coop.sys.Fd;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The JVM's end of the socketpair to a container's monitor: the plan out, status lines back. */
public final class ControlChannel implements AutoCloseable {
    private final Fd fd;
    private final byte[] buf = new byte[4096];
    private int pos, len;

    public ControlChannel(Fd fd) {
        this.fd = fd;
    }

    public void send(byte[] data) throws ErrnoException {
        fd.writeFully(data);
    }

    /** The next line from the monitor, or null once it has closed its end. */
    public String readLine() throws ErrnoException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (pos == len) {
                len = fd.read(buf, 0, buf.length);
                pos = 0;
                if (len == 0) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            byte b = buf[pos++];
            if (b == '\n') return line.toString(StandardCharsets.UTF_8);
            line.write(b);
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
