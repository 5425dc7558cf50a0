package dev.coop.runtime;

/**
 * What the monitor wrote when the container's init ended (or its start failed).
 *
 * @param status   the raw wait status (0 when the program never ran)
 * @param exitCode the shell-style code: the program's, 128 + signal, or 125-127 for a failed start
 * @param error    why the start failed, empty when the program ran
 */
public record ExitRecord(int status, int exitCode, long finishedMillis, String error) {
    public boolean startFailed() {
        return !error.isEmpty();
    }
}
