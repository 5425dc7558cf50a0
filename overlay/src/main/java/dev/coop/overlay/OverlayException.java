package dev.coop.overlay;

/** Root of the overlay module's failures. */
public class OverlayException extends Exception {
    public OverlayException(String message, Throwable cause) {
        super(message, cause);
    }

    public OverlayException(String message) {
        super(message);
    }
}
