package dev.coop.cli;

import dev.coop.cgroups.ByteSize;
import dev.coop.images.Image;
import dev.coop.images.ImageConfig;
import dev.coop.images.ImageException;
import dev.coop.images.ImageStore;
import dev.coop.overlay.LowerLayers;
import dev.coop.runtime.ContainerException;
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

@Command(name = "run", description = {"Run a command in a new container.",
        "Usage: coop run [OPTIONS] IMAGE [COMMAND [ARG...]]  or  coop run [OPTIONS] --rootfs DIR COMMAND [ARG...]"},
        sortOptions = false)
final class RunCommand implements Callable<Integer> {
    @Option(names = "--rootfs", paramLabel = "DIR", description = "Run from a root directory (the read-only lower layer) instead of an image.")
    Path rootfs;

    @Option(names = "--entrypoint", paramLabel = "PROGRAM", description = "Override the image's entrypoint (and drop its Cmd).")
    String entrypoint;

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

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "IMAGE|COMMAND", description = "The image, then the command and its arguments (or, with --rootfs, only the command).")
    List<String> positional;

    ContainerSpec toSpec() throws ContainerException {
        ContainerSpec.Builder b;
        List<String> command = positional;
        if (rootfs != null) {
            if (entrypoint != null) command = concat(List.of(entrypoint), command);
            b = ContainerSpec.builder(rootfs, command).env(env).workdir(workdir).user(user);
        } else {
            b = fromImage(positional.get(0), positional.subList(1, positional.size()));
        }
        return b.name(name).hostname(hostname).tty(tty).init(init).privileged(privileged).oomScoreAdj(oomScoreAdj)
                .resources(limits.toResources(!privileged)).detach(detach).remove(remove).build();
    }

    /**
     * The image's config, overridden the way docker does: --entrypoint replaces Entrypoint and
     * drops Cmd, a command replaces Cmd, -e adds to or replaces Env, -w and -u replace.
     */
    private ContainerSpec.Builder fromImage(String ref, List<String> command) throws ContainerException {
        ImageStore store = ImagesCommand.store();
        Image image;
        List<String> lowers;
        try {
            image = store.get(ref);
            lowers = store.lowerLinks(image);
        } catch (ImageException e) {
            throw new ContainerException(e.getMessage(), 125, e);
        }
        ImageConfig c = image.config();
        List<String> ep = entrypoint != null ? (entrypoint.isEmpty() ? List.of() : List.of(entrypoint)) : c.entrypoint();
        List<String> cmd = !command.isEmpty() ? command : entrypoint != null ? List.of() : c.cmd();
        List<String> args = concat(ep, cmd);
        if (args.isEmpty())
            throw new ContainerException("image " + ref + " has no Entrypoint or Cmd: give a command after the image name", 125, null);
        String display = image.names().contains(ref) || image.names().isEmpty() ? ref : image.displayName();
        return ContainerSpec.builder(new LowerLayers(store.linkDir(), lowers), display, image.id().toString(), args)
                .env(concat(c.env(), env))
                .workdir(workdir != null ? workdir : c.workingDir().isEmpty() ? null : c.workingDir())
                .user(user != null ? user : c.user().isEmpty() ? null : c.user())
                .stopSignal(c.stopSignal().isEmpty() ? null : c.stopSignal());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (rootfs == null && positional.isEmpty()) throw new IllegalArgumentException("give an image, or --rootfs DIR and a command");
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
