package dev.coop.runtime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says about a process: the facts container status is derived from. */
public final class Procs {
    private Procs() {}

    /** Whether pid runs the native stage: a monitor, or an init still waiting to exec. */
    public static boolean isStage(int pid) {
        if (pid <= 0) return false;
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).getFileName().toString().startsWith("coop-stage");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The process's start time in clock ticks since boot, -1 if it is gone or a zombie: tells a recycled pid apart. */
    public static long startTime(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[0].equals("Z") ? -1 : Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
