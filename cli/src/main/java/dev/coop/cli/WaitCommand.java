package dev.coop.cli;

import dev.coop.runtime.ContainerInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "wait", description = "Wait for a container to exit; print its exit code and whether the OOM killer struck.")
final class WaitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CONTAINER")
    String ref;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var cs = Runtime.containers();
        ContainerInfo i = cs.waitFor(ref);
        boolean oom = cs.oomKills(i.record().id()) > 0;
        int code = i.exit() == null ? -1 : i.exit().exitCode();
        if (json) {
            Json.print(g -> {
                g.writeStartObject();
                g.writeNumberField("exitCode", code);
                g.writeBooleanField("oomKilled", oom);
                if (i.exit() != null && i.exit().startFailed()) g.writeStringField("error", i.exit().error());
                g.writeEndObject();
            });
        } else {
            System.out.println(code + (oom ? " (oom-killed)" : ""));
        }
        return 0;
    }
}
