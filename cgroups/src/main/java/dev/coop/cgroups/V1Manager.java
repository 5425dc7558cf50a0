package dev.coop.cgroups;

import dev.coop.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One container's cgroups on a v1 (or hybrid) host: MOUNT/coop/ID in each controller's hierarchy. */
final class V1Manager extends DirManager {
    static final String PARENT = "coop";
    static final List<Controller> CONTROLLERS = List.of(new V1Cpu(), new V1Cpuacct(), new V1Memory(), new V1Pids(),
            new V1Blkio(), new V1Devices(), new V1Freezer());

    private final List<Binding> bindings;
    private final Path freezer;
    private final Path memory;

    /** @param mounts controller name to the mount point of its hierarchy */
    /** @param rel the cgroup's path below each hierarchy's root, e.g. coop/ID */
    V1Manager(Map<String, Path> mounts, Path rel, Syscalls sys, Rmdir rmdir) {
        super(sys, rmdir);
        List<Binding> bs = new ArrayList<>();
        for (Controller c : CONTROLLERS) {
            Path m = mounts.get(c.name());
            if (m != null) bs.add(new Binding(c, m.resolve(rel)));
        }
        this.bindings = List.copyOf(bs);
        this.freezer = dirOf("freezer");
        this.memory = dirOf("memory");
    }

    private Path dirOf(String controller) {
        return bindings.stream().filter(b -> b.controller().name().equals(controller)).map(Binding::dir).findFirst().orElse(null);
    }

    @Override public String driver() { return "v1"; }

    @Override List<Binding> bindings() { return bindings; }

    @Override
    Path primary() {
        return freezer != null ? freezer : bindings.get(0).dir();
    }

    @Override
    void prepareParents(Resources r) throws CgroupException {
        for (Controller c : CONTROLLERS) {
            if (c.needed(r) && dirOf(c.name()) == null && requires(c, r))
                throw new CgroupException("the cgroup v1 controller '" + c.name() + "' is not mounted on this host");
        }
    }

    private static boolean requires(Controller c, Resources r) {
        return switch (c.name()) {
            case "memory" -> r.memoryMax() != null || r.memoryHigh() != null || r.memorySwap() != null;
            case "cpu" -> r.cpuQuotaUs() != null || r.cpuWeight() != null;
            case "pids" -> r.pidsMax() != null;
            case "blkio" -> !r.ioLimits().isEmpty() || r.ioWeight() != null;
            default -> false;
        };
    }

    @Override
    public boolean frozen() throws CgroupException {
        return freezer != null && Files.exists(freezer.resolve("freezer.state"))
                && CgroupFiles.read(freezer.resolve("freezer.state")).equals("FROZEN");
    }

    @Override
    public void freeze(boolean frozen) throws CgroupException {
        if (freezer == null) return;
        CgroupFiles.write(freezer.resolve("freezer.state"), frozen ? "FROZEN" : "THAWED");
        if (!frozen) return;
        for (int i = 0; i < 200; i++) { // FREEZING until every task has stopped
            if (CgroupFiles.read(freezer.resolve("freezer.state")).equals("FROZEN")) return;
            sleep(1);
        }
    }

    @Override
    public long oomKills() throws CgroupException {
        return memory == null || !Files.isDirectory(memory) ? 0 : V1Memory.oomKills(memory);
    }
}
