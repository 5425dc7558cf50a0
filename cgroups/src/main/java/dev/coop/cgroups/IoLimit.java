package dev.coop.cgroups;

/** A throttle on one block device, by its major:minor number. */
public record IoLimit(int major, int minor, Kind kind, long value) {
    public enum Kind {
        READ_BPS("rbps", "blkio.throttle.read_bps_device"),
        WRITE_BPS("wbps", "blkio.throttle.write_bps_device"),
        READ_IOPS("riops", "blkio.throttle.read_iops_device"),
        WRITE_IOPS("wiops", "blkio.throttle.write_iops_device");

        final String v2Key;
        final String v1File;

        Kind(String v2Key, String v1File) {
            this.v2Key = v2Key;
            this.v1File = v1File;
        }
    }

    public IoLimit {
        if (value <= 0) throw new IllegalArgumentException("an IO limit must be positive, got " + value);
    }

    String device() {
        return major + ":" + minor;
    }
}
