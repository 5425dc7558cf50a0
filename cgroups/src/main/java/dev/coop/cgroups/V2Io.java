package dev.coop.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;

/** cgroup v2 io: io.max throttles per device; io.weight needs an IO scheduler that honours it. */
final class V2Io implements Controller {
    @Override public String name() { return "io"; }

    @Override
    public boolean needed(Resources r) {
        return !r.ioLimits().isEmpty() || r.ioWeight() != null;
    }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        for (IoLimit l : r.ioLimits())
            CgroupFiles.write(dir.resolve("io.max"), l.device() + " " + l.kind().v2Key + "=" + l.value());
        if (r.ioWeight() != null) {
            Path weight = dir.resolve("io.weight");
            if (!Files.exists(weight)) weight = dir.resolve("io.bfq.weight");
            if (!Files.exists(weight))
                throw new CgroupException("--io-weight needs io.weight or io.bfq.weight in " + dir
                        + ": select the BFQ IO scheduler for the device (echo bfq > /sys/block/DEV/queue/scheduler)");
            CgroupFiles.write(weight, "default " + r.ioWeight());
        }
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        Path stat = dir.resolve("io.stat");
        if (!Files.exists(stat)) return;
        long rb = 0, wb = 0;
        // "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device
        for (String line : CgroupFiles.read(stat).split("\n")) {
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith("rbytes=")) rb += Long.parseLong(field.substring(7));
                else if (field.startsWith("wbytes=")) wb += Long.parseLong(field.substring(7));
            }
        }
        s.ioReadBytes = rb;
        s.ioWriteBytes = wb;
    }
}
