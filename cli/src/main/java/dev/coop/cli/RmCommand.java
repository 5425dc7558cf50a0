package dev.coop.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rm", description = "Remove containers and every trace of them (processes, cgroups, layers, state).")
final class RmCommand implements Callable<Integer> {
    @Option(names = {"-f", "--force"}, description = "Kill the container first if it is running.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> refs;

    @Override
    public Integer call() throws Exception {
        var cs = Runtime.containers();
        for (String ref : refs) {
            cs.remove(ref, force);
            System.out.println(ref);
        }
        return 0;
    }
}
