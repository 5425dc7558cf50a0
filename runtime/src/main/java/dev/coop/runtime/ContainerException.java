package dev.coop.runtime;

/** Root of the runtime's failures. {@link #exitCode()} is what a CLI should exit with. */
public class ContainerException extends Exception {
    private final int exitCode;

    public ContainerException(String message) {
        this(message, 125, null);
    }

    public ContainerException(String message, Throwable cause) {
        this(message, 125, cause);
    }

    public ContainerException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** No container has that id, name or id prefix. */
    public static final class NotFound extends ContainerException {
        public NotFound(String ref) {
            super("no such container: " + ref + " (see coop ps -a)", 1, null);
        }
    }

    /** The id or name is taken. */
    public static final class Exists extends ContainerException {
        public Exists(String what) {
            super(what + " is already in use: remove that container first (coop rm -f) or choose another", 125, null);
        }
    }

    /** The container's program could not be started (not found: 127, not executable: 126). */
    public static final class StartFailed extends ContainerException {
        public StartFailed(String message, int exitCode) {
            super(message, exitCode, null);
        }
    }
}
