package dev.coop.cgroups;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The cgroup(s) of one container, in whichever hierarchy this host uses. */
public interface CgroupManager {
    /** "v2" or "v1". */
    String driver();

    /** Creates the cgroup and applies the limits; on failure nothing is left behind. */
    void create(Resources resources) throws CgroupException;

    /** Applies new limits to the existing cgroup (runc update): only the limits given change. */
    void update(Resources resources) throws CgroupException;

    /** The cgroup.procs files a new process must be written to, one per hierarchy. */
    List<Path> procsFiles();

    boolean exists();

    CgroupStats stats() throws CgroupException;

    /** How many processes the kernel's OOM killer has killed in this cgroup. */
    long oomKills() throws CgroupException;

    Set<Integer> pids() throws CgroupException;

    /** Freezes (pause) or thaws (resume) every process in the cgroup. */
    void freeze(boolean frozen) throws CgroupException;

    /** Whether the cgroup is frozen. */
    boolean frozen() throws CgroupException;

    /** SIGKILLs every process in the cgroup and waits until it is empty. */
    void killAll() throws CgroupException;

    /** Kills what is left and removes the cgroup from every hierarchy. Idempotent. */
    void destroy() throws CgroupException;
}
