package dev.coop.sys;

/** A failed system call, named with its arguments and the errno it returned. */
public class ErrnoException extends Exception {
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
