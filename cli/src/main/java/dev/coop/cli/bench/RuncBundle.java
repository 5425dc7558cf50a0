package dev.coop.cli.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.coop.runtime.Capabilities;
import dev.coop.runtime.internal.RootfsPlanner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI bundle equivalent to what coop sets up: the same namespaces, pseudo filesystems,
 * capabilities, masked and read-only paths, with a read-only root (coop's is an overlay).
 */
final class RuncBundle {
    private RuncBundle() {}

    static Path write(Path dir, Path rootfs, List<String> args) throws IOException {
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(dir.resolve("config.json"));
             JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ociVersion", "1.0.2");
            g.writeObjectFieldStart("process");
            g.writeBooleanField("terminal", false);
            g.writeObjectFieldStart("user");
            g.writeNumberField("uid", 0);
            g.writeNumberField("gid", 0);
            g.writeEndObject();
            strings(g, "args", args);
            strings(g, "env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
            g.writeStringField("cwd", "/");
            List<String> caps = Capabilities.DEFAULT.stream().map(c -> "CAP_" + c).toList();
            g.writeObjectFieldStart("capabilities");
            for (String set : List.of("bounding", "effective", "permitted")) strings(g, set, caps);
            g.writeEndObject();
            g.writeBooleanField("noNewPrivileges", true);
            g.writeEndObject();
            g.writeObjectFieldStart("root");
            g.writeStringField("path", rootfs.toAbsolutePath().toString());
            g.writeBooleanField("readonly", true);
            g.writeEndObject();
            g.writeStringField("hostname", "bench");
            g.writeArrayFieldStart("mounts");
            mount(g, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
            mount(g, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
            mount(g, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
            mount(g, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
            mount(g, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
            mount(g, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
            mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
            g.writeEndArray();
            g.writeObjectFieldStart("linux");
            g.writeArrayFieldStart("namespaces");
            for (String ns : List.of("pid", "network", "ipc", "uts", "mount", "cgroup")) {
                g.writeStartObject();
                g.writeStringField("type", ns);
                g.writeEndObject();
            }
            g.writeEndArray();
            strings(g, "maskedPaths", RootfsPlanner.MASKED);
            strings(g, "readonlyPaths", RootfsPlanner.READONLY);
            g.writeEndObject();
            g.writeEndObject();
        }
        return dir;
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) g.writeString(v);
        g.writeEndArray();
    }

    private static void mount(JsonGenerator g, String dest, String type, String source, List<String> options) throws IOException {
        g.writeStartObject();
        g.writeStringField("destination", dest);
        g.writeStringField("type", type);
        g.writeStringField("source", source);
        strings(g, "options", options);
        g.writeEndObject();
    }
}
