package dev.coop.cgroups;

import java.nio.file.Path;
import java.util.List;

/**
 * cgroup v1 devices: deny everything, then allow what a container's /dev holds (runc's default
 * list). Creating nodes (m) stays allowed so images can carry them; opening them does not.
 */
final class V1Devices implements Controller {
    static final List<String> ALLOWED = List.of(
            "c *:* m", "b *:* m",
            "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", // null zero full random urandom
            "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", // tty console ptmx pts
            "c 10:200 rwm"); // tun

    @Override public String name() { return "devices"; }

    @Override
    public boolean needed(Resources r) {
        return r.restrictDevices();
    }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        if (!r.restrictDevices()) return;
        CgroupFiles.write(dir.resolve("devices.deny"), "a");
        for (String rule : ALLOWED) CgroupFiles.write(dir.resolve("devices.allow"), rule);
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) {}
}
