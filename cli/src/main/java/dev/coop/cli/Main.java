package dev.coop.cli;

import dev.coop.runtime.ContainerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** coop's command line. The only code in coop that prints or exits. */
@Command(name = "coop", mixinStandardHelpOptions = true, version = "coop 0.1.0",
        description = "A container runtime: isolated, limited containers from namespaces, cgroups and overlayfs.",
        subcommands = {RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class, KillCommand.class,
                RmCommand.class, WaitCommand.class, StatsCommand.class, InfoCommand.class, ImagesCommand.class, PullCommand.class,
                CommitCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    /** When main() began: COOP_TIMING=1 reports how long coop took from here (see bench start). */
    static final long MAIN_NANOS = System.nanoTime();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: see coop --help");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        return commandLine(args.length > 0 ? args[0] : null).execute(args);
    }

    /**
     * The command line for one subcommand only when it is known: picocli builds the model of
     * every command it is given, which is most of coop's start-up cost, so `coop run` does not
     * pay for `coop bench`. `coop --help` and unknown commands get the full tree.
     */
    static CommandLine commandLine(String first) {
        Object sub = switch (first == null ? "" : first) {
            case "run" -> new RunCommand();
            case "ps" -> new PsCommand();
            case "rm" -> new RmCommand();
            case "kill" -> new KillCommand();
            case "wait" -> new WaitCommand();
            case "stop" -> new StopCommand();
            case "logs" -> new LogsCommand();
            case "stats" -> new StatsCommand();
            case "info" -> new InfoCommand();
            case "images" -> new ImagesCommand();
            case "pull" -> new PullCommand();
            case "commit" -> new CommitCommand();
            default -> null;
        };
        CommandLine cl;
        if (sub != null) {
            cl = new CommandLine(new Lean());
            cl.addSubcommand(first, sub);
        } else {
            cl = new CommandLine(new Main());
            cl.addSubcommand("__cds-train", new CdsTrainCommand());
        }
        // Like docker run: everything after the command is the command's, even "-c".
        CommandLine run = cl.getSubcommands().get("run");
        if (run != null) run.setStopAtPositional(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof ContainerException ce) {
                System.err.println("coop: " + ce.getMessage());
                return ce.exitCode();
            }
            if (ex instanceof IllegalArgumentException) {
                System.err.println("coop: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    /** The top-level command without its subcommand annotations, for {@link #commandLine}. */
    @Command(name = "coop", mixinStandardHelpOptions = true, version = "coop 0.1.0")
    static final class Lean implements Runnable {
        @Override
        public void run() {}
    }
}
