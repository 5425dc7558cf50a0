package dev.coop.cli;

import dev.coop.cgroups.CgroupDriver;
import dev.coop.overlay.ContainerLayer;
import dev.coop.runtime.RuntimeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "info", description = "What coop detected on this host and where it keeps things.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RuntimeConfig cfg = RuntimeConfig.fromEnvironment();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("version", "0.1.0");
        facts.put("kernel", System.getProperty("os.version"));
        facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        String cgroups;
        try {
            cgroups = CgroupDriver.detect().describe();
        } catch (Exception e) {
            cgroups = "unavailable: " + e.getMessage();
        }
        facts.put("cgroups", cgroups);
        facts.put("overlayfs", ContainerLayer.supported() ? "supported" : "MISSING (modprobe overlay)");
        List<String> ns = new ArrayList<>();
        for (String n : List.of("pid", "mnt", "uts", "ipc", "net", "cgroup", "user")) {
            if (Files.exists(Path.of("/proc/self/ns/" + n))) ns.add(n);
        }
        facts.put("namespaces", String.join(",", ns));
        facts.put("stage", cfg.stage() + (Files.isExecutable(cfg.stage()) ? "" : " (MISSING: rebuild coop)"));
        facts.put("state root", cfg.stateRoot().toString());
        facts.put("store root", cfg.storeRoot().toString());
        facts.put("backends", "container");
        if (json) {
            Json.print(g -> {
                g.writeStartObject();
                for (var e : facts.entrySet()) g.writeStringField(e.getKey().replace(' ', '_'), e.getValue());
                g.writeEndObject();
            });
        } else {
            int w = facts.keySet().stream().mapToInt(String::length).max().orElse(0);
            facts.forEach((k, v) -> System.out.println(k + ":" + " ".repeat(w - k.length() + 1) + v));
        }
        return 0;
    }
}
