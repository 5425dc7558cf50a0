package dev.coop.runtime;

/**
 * A container as observed now: the record plus what the processes and the monitor's files say.
 *
 * @param pid  the container's init as the host sees it, or 0 if unknown
 * @param exit present once the container has ended
 */
public record ContainerInfo(ContainerRecord record, Status status, int pid, int monitorPid, ExitRecord exit) {
    public enum Status {
        /** coop is still setting it up. */
        CREATING,
        /** its init runs. */
        RUNNING,
        /** its init has ended; {@link ContainerInfo#exit()} says how, when known. */
        EXITED,
        /** the coop process that created it died before the container ran: only removal is left. */
        BROKEN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
