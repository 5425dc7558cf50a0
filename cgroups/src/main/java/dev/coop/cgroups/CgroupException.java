package dev.coop.cgroups;

/** Root of the cgroup module's failures; the message says which file and value were involved. */
public class CgroupException extends Exception {
    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
