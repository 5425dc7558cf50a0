package dev.coop.runtime.oci;

import static dev.coop.sys.MountFlags.MS_BIND;
import static dev.coop.sys.MountFlags.MS_NODEV;
import static dev.coop.sys.MountFlags.MS_NOEXEC;
import static dev.coop.sys.MountFlags.MS_NOSUID;
import static dev.coop.sys.MountFlags.MS_RDONLY;
import static dev.coop.sys.MountFlags.MS_REC;
import static dev.coop.sys.MountFlags.MS_RELATIME;
import static dev.coop.sys.MountFlags.MS_STRICTATIME;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An OCI mount's options, as mount(2) flags and the filesystem's own data string. */
record MountOptions(long flags, String data) {
    private static final long MS_SYNCHRONOUS = 16, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_DIRSYNC = 128;
    private static final Map<String, Long> SET = Map.ofEntries(Map.entry("ro", MS_RDONLY), Map.entry("nosuid", MS_NOSUID),
            Map.entry("nodev", MS_NODEV), Map.entry("noexec", MS_NOEXEC), Map.entry("sync", MS_SYNCHRONOUS),
            Map.entry("dirsync", MS_DIRSYNC), Map.entry("noatime", MS_NOATIME), Map.entry("nodiratime", MS_NODIRATIME),
            Map.entry("relatime", MS_RELATIME), Map.entry("strictatime", MS_STRICTATIME), Map.entry("bind", MS_BIND),
            Map.entry("rbind", MS_BIND | MS_REC));
    /** Options that only say "the default": nothing to do. */
    private static final List<String> DEFAULTS = List.of("rw", "suid", "dev", "exec", "async", "atime", "diratime",
            "norelatime", "nostrictatime", "private", "rprivate");
    /** Propagation other than private would need a second mount call per mount: not supported yet. */
    private static final List<String> PROPAGATION = List.of("shared", "rshared", "slave", "rslave", "unbindable", "runbindable");

    static MountOptions parse(String destination, List<String> options) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            if (SET.containsKey(o)) flags |= SET.get(o);
            else if (DEFAULTS.contains(o)) continue;
            else if (PROPAGATION.contains(o))
                throw new IllegalArgumentException("mount " + destination + ": propagation '" + o + "' is not supported yet (only private)");
            else if (o.equals("tmpcopyup"))
                throw new IllegalArgumentException("mount " + destination + ": 'tmpcopyup' is not supported yet");
            else data.add(o);
        }
        return new MountOptions(flags, String.join(",", data));
    }
}
