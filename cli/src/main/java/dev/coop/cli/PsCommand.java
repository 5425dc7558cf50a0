package dev.coop.cli;

import dev.coop.runtime.ContainerInfo;
import dev.coop.runtime.Containers;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ps", description = "List containers, with what they are doing now.")
final class PsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only the ids.")
    boolean quiet;

    @Option(names = {"-a", "--all"}, description = "Accepted for docker compatibility: coop lists every container it holds.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        Containers cs = Runtime.containers();
        List<ContainerInfo> list = cs.list();
        if (quiet) {
            for (ContainerInfo i : list) System.out.println(i.record().id().shortId());
            return 0;
        }
        if (json) {
            Json.print(g -> {
                g.writeStartArray();
                for (ContainerInfo i : list) {
                    g.writeStartObject();
                    g.writeStringField("id", i.record().id().value());
                    g.writeStringField("name", i.record().name());
                    g.writeStringField("status", i.status().label());
                    g.writeNumberField("pid", i.pid());
                    if (i.exit() != null) {
                        g.writeNumberField("exitCode", i.exit().exitCode());
                        if (i.exit().startFailed()) g.writeStringField("error", i.exit().error());
                    }
                    g.writeBooleanField("oomKilled", cs.oomKills(i.record().id()) > 0);
                    g.writeNumberField("created", i.record().createdMillis());
                    g.writeStringField("source", i.record().source());
                    if (i.record().imageId() != null) g.writeStringField("imageId", i.record().imageId());
                    g.writeArrayFieldStart("command");
                    for (String a : i.record().command()) g.writeString(a);
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
            return 0;
        }
        Table t = new Table("CONTAINER ID", "NAME", "COMMAND", "CREATED", "STATUS", "PID").rightAlign(5);
        for (ContainerInfo i : list) {
            t.row(i.record().id().shortId(), i.record().name() == null ? "" : i.record().name(),
                    abbreviate(String.join(" ", i.record().command()), 30), Ago.since(i.record().createdMillis()),
                    status(cs, i), i.pid() == 0 ? "-" : i.pid());
        }
        t.print(System.out);
        return 0;
    }

    static String status(Containers cs, ContainerInfo i) {
        return switch (i.status()) {
            case RUNNING -> "running";
            case CREATING -> "creating";
            case BROKEN -> "broken (creation interrupted; coop rm -f removes it)";
            case EXITED -> {
                if (i.exit() == null) yield "exited (status unknown: its monitor was killed)";
                String s = "exited (" + i.exit().exitCode() + ")";
                if (cs.oomKills(i.record().id()) > 0) s += " oom-killed";
                if (i.exit().startFailed()) s += ": " + abbreviate(i.exit().error(), 60);
                yield s + " " + Ago.since(i.exit().finishedMillis());
            }
        };
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
