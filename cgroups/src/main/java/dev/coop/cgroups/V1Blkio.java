package dev.coop.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;

/** cgroup v1 blkio: one throttle file per kind, "MAJ:MIN VALUE"; weight only with CFQ or BFQ. */
final class V1Blkio implements Controller {
    @Override public String name() { return "blkio"; }

    @Override
    public void apply(Path dir, Resources r) throws CgroupException {
        for (IoLimit l : r.ioLimits()) CgroupFiles.write(dir.resolve(l.kind().v1File), l.device() + " " + l.value());
        if (r.ioWeight() != null) {
            Path weight = dir.resolve("blkio.weight");
            if (!Files.exists(weight)) weight = dir.resolve("blkio.bfq.weight");
            if (!Files.exists(weight))
                throw new CgroupException("--io-weight needs blkio.weight or blkio.bfq.weight in " + dir
                        + ": select the BFQ IO scheduler for the device (echo bfq > /sys/block/DEV/queue/scheduler)");
            // v1 weights run 10..1000; map the v2 range 1..10000 onto it.
            CgroupFiles.write(weight, Long.toString(10 + (long) (r.ioWeight() - 1) * 990 / 9999));
        }
    }

    @Override
    public void readStats(Path dir, CgroupStats.Builder s) throws CgroupException {
        Path f = dir.resolve("blkio.throttle.io_service_bytes_recursive");
        if (!Files.exists(f)) return;
        long rb = 0, wb = 0;
        for (String line : CgroupFiles.read(f).split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length != 3) continue;
            if (p[1].equals("Read")) rb += Long.parseLong(p[2]);
            else if (p[1].equals("Write")) wb += Long.parseLong(p[2]);
        }
        s.ioReadBytes = rb;
        s.ioWriteBytes = wb;
    }
}
