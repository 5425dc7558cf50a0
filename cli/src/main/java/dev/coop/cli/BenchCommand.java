package dev.coop.cli;

import dev.coop.cli.bench.ImportBench;
import dev.coop.cli.bench.StartBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "bench", description = "Benchmarks, measured against peers in the same run.", subcommands = {StartBench.class, ImportBench.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark: see coop bench --help");
    }
}
