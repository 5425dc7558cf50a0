package dev.coop.images;

/** Root of the image module's failures. */
public class ImageException extends Exception {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Content did not hash to what its descriptor promised: the import is aborted, the store untouched. */
    public static final class DigestMismatch extends ImageException {
        public DigestMismatch(String what, Digest expected, Digest found) {
            super(what + " has digest " + found + " but " + expected + " was expected: the image is corrupt or was tampered with");
        }
    }

    /** A layer archive tried to write outside its directory, or otherwise cannot be trusted. */
    public static final class HostileArchive extends ImageException {
        public HostileArchive(String entry, String why) {
            super("refusing layer entry '" + entry + "': " + why);
        }
    }

    /** No image has that name or id. */
    public static final class NotFound extends ImageException {
        public NotFound(String ref) {
            super("no such image: " + ref + " (see coop images ls; import one with coop images import)");
        }
    }
}
