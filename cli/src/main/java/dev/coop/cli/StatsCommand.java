package dev.coop.cli;

import dev.coop.cgroups.ByteSize;
import dev.coop.cgroups.CgroupStats;
import dev.coop.runtime.ContainerInfo;
import dev.coop.runtime.Containers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stats", description = "Resource usage of running containers, read from their cgroups.")
final class StatsCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "CONTAINER", description = "Containers (default: every running one).")
    List<String> refs = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    record Row(String id, CgroupStats s, long limit) {}

    @Override
    public Integer call() throws Exception {
        Containers cs = Runtime.containers();
        List<Row> rows = new ArrayList<>();
        if (refs.isEmpty()) {
            for (ContainerInfo i : cs.list()) {
                if (i.status() == ContainerInfo.Status.RUNNING) refs.add(i.record().id().value());
            }
        }
        for (String ref : refs) {
            ContainerInfo i = cs.inspect(ref);
            rows.add(new Row(i.record().id().shortId(), cs.stats(ref), i.record().memoryLimit()));
        }
        if (json) {
            Json.print(g -> {
                g.writeStartArray();
                for (Row r : rows) {
                    g.writeStartObject();
                    g.writeStringField("id", r.id());
                    g.writeNumberField("cpuNanos", r.s().cpuUsageNanos());
                    g.writeNumberField("memoryBytes", r.s().memoryCurrent());
                    g.writeNumberField("memoryPeakBytes", r.s().memoryPeak());
                    g.writeNumberField("memoryLimitBytes", r.limit());
                    g.writeNumberField("ioReadBytes", r.s().ioReadBytes());
                    g.writeNumberField("ioWriteBytes", r.s().ioWriteBytes());
                    g.writeNumberField("pids", r.s().pidsCurrent());
                    g.writeNumberField("oomKills", r.s().oomKills());
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
        } else {
            table(rows).print(System.out);
        }
        return 0;
    }

    static Table table(List<Row> rows) {
        Table t = new Table("CONTAINER", "CPU TIME", "MEM USAGE", "MEM PEAK", "MEM LIMIT", "IO READ", "IO WRITE", "PIDS", "OOM KILLS")
                .rightAlign(1, 2, 3, 4, 5, 6, 7, 8);
        for (Row r : rows) {
            CgroupStats s = r.s();
            t.row(r.id(), s.cpuUsageNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.3fs", s.cpuUsageNanos() / 1e9),
                    bytes(s.memoryCurrent()), bytes(s.memoryPeak()), r.limit() < 0 ? "none" : ByteSize.format(r.limit()),
                    bytes(s.ioReadBytes()), bytes(s.ioWriteBytes()), s.pidsCurrent() < 0 ? "-" : s.pidsCurrent(),
                    s.oomKills() < 0 ? "-" : s.oomKills());
        }
        return t;
    }

    private static String bytes(long v) {
        return v < 0 ? "-" : ByteSize.format(v);
    }
}
