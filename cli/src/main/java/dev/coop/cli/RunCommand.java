package dev.coop.cli;

import dev.coop.cgroups.ByteSize;
import dev.coop.runtime.ContainerSpec;
import dev.coop.runtime.Containers;
import dev.coop.runtime.ExitResult;
import dev.coop.runtime.RunningContainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = "Run a command in a new container.", sortOptions = false)
final class RunCommand implements Callable<Integer> {
    @Option(names = "--rootfs", required = true, paramLabel = "DIR", description = "Root filesystem (the read-only lower layer).")
    Path rootfs;

    @Option(names = {"-d", "--detach"}, description = "Run in the background and print the container id.")
    boolean detach;

    @Option(names = "--rm", description = "Remove the container when it exits.")
    boolean remove;

    @Option(names = "--name", description = "A unique name for the container.")
    String name;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "Set an environment variable.")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]", description = "User (and group) to run as.")
    String user;

    @Option(names = "--hostname", description = "Container hostname (default: the short id).")
    String hostname;

    @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-terminal.")
    boolean tty;

    @Option(names = {"-i", "--interactive"}, description = "Keep standard input open (always on in the foreground).")
    boolean interactive;

    @Option(names = "--init", description = "Run a minimal init as PID 1 that reaps zombies and forwards signals.")
    boolean init;

    @Option(names = "--privileged", description = "All capabilities, no masked paths, writable /sys, no device rules.")
    boolean privileged;

    @Option(names = "--oom-score-adj", paramLabel = "N", description = "OOM killer preference, -1000..1000.")
    Integer oomScoreAdj;

    @Option(names = "--stats", description = "Print the container's resource usage when it exits.")
    boolean stats;

    @Mixin
    LimitOptions limits;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "COMMAND", description = "Command and its arguments.")
    List<String> command;

    ContainerSpec toSpec() {
        return ContainerSpec.builder(rootfs, command).name(name).env(env).workdir(workdir).user(user)
                .hostname(hostname).tty(tty).init(init).privileged(privileged).oomScoreAdj(oomScoreAdj)
                .resources(limits.toResources(!privileged)).detach(detach).remove(remove).build();
    }

    @Override
    public Integer call() throws Exception {
        ContainerSpec spec = toSpec();
        Containers containers = Runtime.containers();
        RunningContainer c = containers.run(spec);
        if (detach) {
            System.out.println(c.id());
            return 0;
        }
        long running = System.nanoTime();
        Signals.forwardTo(c);
        ExitResult r = c.awaitExit(stats);
        if (System.getenv("COOP_TIMING") != null) {
            System.err.println("coop-timing main-to-running-ns=" + (running - Main.MAIN_NANOS) + " main-to-exit-ns="
                    + (System.nanoTime() - Main.MAIN_NANOS));
        }
        if (stats && r.stats() != null) StatsCommand.table(List.of(new StatsCommand.Row(c.id().shortId(), r.stats(),
                r.memoryLimit()))).print(System.err);
        if (r.oomKilled()) {
            System.err.println("coop: container " + c.id().shortId() + " was killed by the OOM killer (memory limit "
                    + (r.memoryLimit() < 0 ? "none" : ByteSize.format(r.memoryLimit())) + ")");
            return 137;
        }
        return r.exitCode();
    }
}
