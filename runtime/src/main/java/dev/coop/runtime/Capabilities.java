package dev.coop.runtime;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Linux capability names and numbers, and the default set containers get. */
public final class Capabilities {
    private static final List<String> NAMES = List.of(
            "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
            "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
            "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
            "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
            "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
            "CHECKPOINT_RESTORE");

    /**
     * The set runc is handed by docker, containerd and podman for an unprivileged container
     * (runc's own `runc spec` example is narrower still: AUDIT_WRITE, KILL, NET_BIND_SERVICE).
     */
    public static final List<String> DEFAULT = List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD",
            "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE");

    private Capabilities() {}

    /** "CAP_SYS_ADMIN", "sys_admin" or "SYS_ADMIN" to its number. */
    public static int number(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) n = n.substring(4);
        int i = NAMES.indexOf(n);
        if (i < 0) throw new IllegalArgumentException("unknown capability " + name);
        return i;
    }

    public static String name(int number) {
        return "CAP_" + NAMES.get(number);
    }

    /** The comma-separated numbers the native stage takes. */
    public static String numbers(List<String> names) {
        TreeSet<Integer> set = new TreeSet<>();
        for (String n : names) set.add(number(n));
        StringBuilder sb = new StringBuilder();
        for (int n : set) sb.append(sb.length() == 0 ? "" : ",").append(n);
        return sb.toString();
    }
}
