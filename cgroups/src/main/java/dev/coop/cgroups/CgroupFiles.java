package dev.coop.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reads and writes cgroup interface files; every failure names the file and the value. */
final class CgroupFiles {
    private CgroupFiles() {}

    /** Each value must reach the kernel in a single write(2): cgroupfs parses per write. */
    static void write(Path file, String value) throws CgroupException {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new CgroupException("cannot write '" + value + "' to " + file + ": " + reason(e), e);
        }
    }

    static String read(Path file) throws CgroupException {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + reason(e), e);
        }
    }

    /** A single number, or -1 when the file does not exist on this kernel; "max" is -1 too. */
    static long readLong(Path file) throws CgroupException {
        if (!Files.exists(file)) return -1;
        String s = read(file);
        if (s.isEmpty() || s.equals("max")) return -1;
        try {
            return Long.parseLong(s.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            throw new CgroupException("unexpected content in " + file + ": " + s);
        }
    }

    /** "key value" lines (memory.events, cpu.stat, memory.oom_control); empty if missing. */
    static Map<String, Long> readFlatKeyed(Path file) throws CgroupException {
        Map<String, Long> out = new HashMap<>();
        if (!Files.exists(file)) return out;
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException ignored) {
                    // non-numeric values ("max") are not counters
                }
            }
        }
        return out;
    }

    static Set<Integer> readPids(Path procs) throws CgroupException {
        Set<Integer> pids = new HashSet<>();
        if (!Files.exists(procs)) return pids;
        for (String line : read(procs).split("\n")) {
            if (!line.isBlank()) pids.add(Integer.parseInt(line.trim()));
        }
        return pids;
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file (is the controller enabled on this host?)";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace(e instanceof java.nio.file.FileSystemException f
                && f.getFile() != null ? f.getFile() + ": " : "", "");
    }
}
