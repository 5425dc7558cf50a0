package dev.coop.cli;

import dev.coop.sys.Signal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "kill", description = "Send a signal to a container's init (default SIGKILL).")
final class KillCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONTAINER")
    String ref;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SIGNAL", defaultValue = "SIGKILL")
    String signal;

    @Override
    public Integer call() throws Exception {
        Runtime.containers().kill(ref, Signal.parse(signal));
        return 0;
    }
}
