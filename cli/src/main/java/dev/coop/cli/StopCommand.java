package dev.coop.cli;

import dev.coop.sys.Signal;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stop", description = "Stop containers: SIGTERM, then SIGKILL after a timeout.")
final class StopCommand implements Callable<Integer> {
    @Option(names = {"-t", "--time"}, description = "Seconds to wait before killing (default ${DEFAULT-VALUE}).", defaultValue = "10")
    long seconds;

    @Option(names = {"-s", "--signal"}, description = "Signal to send first (default: the image's StopSignal, else SIGTERM).")
    String signal;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> refs;

    @Override
    public Integer call() throws Exception {
        var cs = Runtime.containers();
        for (String ref : refs) {
            String recorded = cs.inspect(ref).record().stopSignal();
            Signal s = Signal.parse(signal != null ? signal : recorded != null ? recorded : "SIGTERM");
            cs.stop(ref, s, seconds * 1000);
            System.out.println(ref);
        }
        return 0;
    }
}
