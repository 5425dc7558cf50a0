package dev.coop.cli;

import dev.coop.runtime.ContainerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** coop's command line. The only code in coop that prints or exits. */
@Command(name = "coop", mixinStandardHelpOptions = true, version = "coop 0.1.0",
        description = "A container runtime: isolated, limited containers from namespaces, cgroups and overlayfs.",
        subcommands = {RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class, KillCommand.class,
                RmCommand.class, WaitCommand.class, StatsCommand.class, InfoCommand.class, BenchCommand.class})
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
        CommandLine cl = new CommandLine(new Main());
        // Like docker run: everything after the command is the command's, even "-c".
        cl.getSubcommands().get("run").setStopAtPositional(true);
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
        return cl.execute(args);
    }
}
