package dev.coop.cgroups;

import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** One container's cgroup in the unified (v2) hierarchy: ROOT/coop/ID. */
final class V2Manager extends DirManager {
    static final List<Controller> CONTROLLERS = List.of(new V2Cpu(), new V2Io(), new V2Memory(), new V2Pids());

    private final Path root;
    private final Path dir;

    /** @param rel the cgroup's path below the hierarchy's root, e.g. coop/ID */
    V2Manager(Path root, Path rel, Syscalls sys, Rmdir rmdir) {
        super(sys, rmdir);
        this.root = root;
        this.dir = root.resolve(rel);
    }

    @Override public String driver() { return "v2"; }

    @Override
    List<Binding> bindings() {
        return CONTROLLERS.stream().map(c -> new Binding(c, dir)).toList();
    }

    @Override Path primary() { return dir; }

    /**
     * Limits can only be set in a child whose parent delegates the controller, so enable every
     * controller coop uses in the root's and coop's subtree_control ("no internal processes":
     * the coop parent itself never holds a process).
     */
    @Override
    void prepareParents(Resources r) throws CgroupException {
        Set<String> available = Set.of(CgroupFiles.read(root.resolve("cgroup.controllers")).split("\\s+"));
        for (Controller c : CONTROLLERS) {
            if (c.needed(r) && !available.contains(c.name()))
                throw new CgroupException("the cgroup v2 controller '" + c.name() + "' is not available in "
                        + root.resolve("cgroup.controllers") + " (is it bound to a v1 hierarchy?)");
        }
        Path parent = dir.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new CgroupException("cannot create " + parent + ": " + CgroupFiles.reason(e), e);
        }
        // Every ancestor from the root down must delegate the controllers to its children.
        for (Path p = root; !p.equals(dir); p = p.resolve(dir.getName(p.getNameCount()))) {
            for (Controller c : CONTROLLERS) {
                if (available.contains(c.name())) CgroupFiles.write(p.resolve("cgroup.subtree_control"), "+" + c.name());
            }
        }
    }

    @Override
    public boolean frozen() throws CgroupException {
        return CgroupFiles.readFlatKeyed(dir.resolve("cgroup.events")).getOrDefault("frozen", 0L) == 1;
    }

    @Override
    public void freeze(boolean frozen) throws CgroupException {
        Path f = dir.resolve("cgroup.freeze");
        if (!Files.exists(f)) return;
        CgroupFiles.write(f, frozen ? "1" : "0");
    }

    @Override
    boolean killFile() throws CgroupException {
        Path kill = dir.resolve("cgroup.kill"); // Linux 5.14+
        if (!Files.exists(kill)) return false;
        CgroupFiles.write(kill, "1");
        return true;
    }

    @Override
    public long oomKills() throws CgroupException {
        return V2Memory.oomKills(dir);
    }
}
