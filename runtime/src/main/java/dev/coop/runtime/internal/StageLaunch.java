package dev.coop.runtime.internal;

import dev.coop.sys.ErrnoException;
import dev.coop.sys.Fd;
import dev.coop.sys.SpawnSpec;
import dev.coop.sys.Syscalls;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts the native stage with a plan: the one way every verb (run, create, exec) hands work to
 * it. The stage gets coop's environment (for the `coop rm` a detached --rm container's monitor
 * runs); a container never sees it, its environment is in the plan.
 */
public final class StageLaunch {
    /** The running stage (the container's monitor) and the JVM's end of its control socket. */
    public record Launched(int monitor, ControlChannel ctl) {}

    /** A failure the stage reported: "error CODE MESSAGE". */
    public record Failure(int code, String message) {
        /** The failure a control line reports, or null if it reports none. */
        public static Failure parse(String line) {
            if (!line.startsWith("error ")) return null;
            String[] f = line.split(" ", 3);
            return new Failure(Integer.parseInt(f[1]), f.length > 2 ? f[2] : line);
        }
    }

    private StageLaunch() {}

    /**
     * @param io sets the stage's standard streams and session (detached containers)
     */
    public static Launched spawn(Syscalls sys, Path stage, StagePlan plan, Consumer<SpawnSpec.Builder> io)
            throws ErrnoException {
        Fd[] pair = sys.socketpair();
        try {
            List<String> env = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            SpawnSpec.Builder b = SpawnSpec.builder(stage.toString()).env(env).dup(pair[1], 3);
            io.accept(b);
            int monitor = sys.spawn(b.build());
            pair[1].close();
            ControlChannel ctl = new ControlChannel(pair[0]);
            ctl.send(plan.encode());
            return new Launched(monitor, ctl);
        } catch (ErrnoException | RuntimeException e) {
            pair[0].close();
            pair[1].close();
            throw e;
        }
    }
}
