package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the kernel tests: they need root (namespaces, cgroups, mounts) and Linux with
 * overlayfs, and each one must leave nothing behind: no cgroup, state directory, writable
 * layer, mount or monitor process that was not there before it.
 */
abstract class KernelTest {
    private Set<String> before;

    static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElse("").split("\\s+")[2].equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    @BeforeEach
    void requireRootAndSnapshot() throws IOException {
        assumeTrue(isRoot(), "kernel tests need root: they create namespaces, cgroups and mounts");
        assumeTrue(Files.readString(Path.of("/proc/filesystems")).contains("overlay"), "kernel tests need overlayfs");
        before = traces();
    }

    @AfterEach
    void nothingLeaks() throws IOException {
        if (before == null) return;
        Set<String> after = traces();
        after.removeAll(before);
        assertEquals(Set.of(), after, "left behind by the test");
    }

    /** Everything that names a container: cgroups, state, layers, mounts, monitor processes. */
    static Set<String> traces() throws IOException {
        Set<String> t = new TreeSet<>();
        try (Stream<Path> hier = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hier.toList()) {
                Path coop = h.resolve("coop");
                if (!Files.isDirectory(coop)) continue;
                try (Stream<Path> cgs = Files.list(coop)) {
                    cgs.filter(Files::isDirectory).forEach(p -> t.add("cgroup " + p));
                }
            }
        }
        for (Path root : new Path[] {Coop.STATE, Coop.STORE.resolve("containers")}) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> !p.getFileName().toString().equals(".names")).forEach(p -> t.add("dir " + p));
            }
            Path names = root.resolve(".names");
            if (Files.isDirectory(names)) {
                try (Stream<Path> s = Files.list(names)) {
                    s.forEach(p -> t.add("name " + p));
                }
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (line.contains("coop")) t.add("mount " + line);
        }
        ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("coop-stage"))
                .forEach(p -> t.add("process " + p.pid()));
        return t;
    }
}
