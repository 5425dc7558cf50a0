package dev.coop.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where coop keeps things and which native pieces it runs.
 *
 * @param stateRoot container state, lost on reboot like runc's (/run/coop)
 * @param storeRoot layers and writable container layers (/var/lib/coop)
 * @param stage     the native stage binary
 * @param launcher  the coop launcher, run by a detached container's monitor for --rm; may be null
 */
public record RuntimeConfig(Path stateRoot, Path storeRoot, Path stage, Path launcher) {

    /** From -Dcoop.home (set by bin/coop), COOP_ROOT and COOP_STATE, with the documented defaults. */
    public static RuntimeConfig fromEnvironment() {
        String home = System.getProperty("coop.home", System.getenv().getOrDefault("COOP_HOME", "."));
        Path h = Path.of(home);
        Path stage = Path.of(System.getProperty("coop.stage", h.resolve("libexec/coop-stage").toString()));
        Path launcher = h.resolve("bin/coop");
        return new RuntimeConfig(
                Path.of(System.getenv().getOrDefault("COOP_STATE", "/run/coop")),
                Path.of(System.getenv().getOrDefault("COOP_ROOT", "/var/lib/coop")),
                stage, Files.isExecutable(launcher) ? launcher : null);
    }
}
