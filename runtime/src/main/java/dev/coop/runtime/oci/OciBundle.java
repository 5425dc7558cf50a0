package dev.coop.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coop.cgroups.IoLimit;
import dev.coop.cgroups.Resources;
import dev.coop.runtime.Capabilities;
import dev.coop.runtime.ContainerException;
import dev.coop.runtime.internal.RootfsPlanner;
import dev.coop.runtime.internal.StagePlan;
import dev.coop.sys.MountFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OCI bundle's config.json, mapped onto the native stage's plan and coop's cgroup limits the
 * way runc reads it. What coop does not support yet is refused by name, never ignored when it
 * could weaken isolation (seccomp, user namespaces, hooks, LSM labels, unknown device rules).
 */
public final class OciBundle {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> NS_FLAGS = Map.of("pid", "pidns", "network", "netns", "ipc", "ipcns",
            "uts", "utsns", "mount", "mntns", "cgroup", "cgroupns");
    private static final Map<String, Integer> RLIMITS = Map.ofEntries(Map.entry("RLIMIT_CPU", 0), Map.entry("RLIMIT_FSIZE", 1),
            Map.entry("RLIMIT_DATA", 2), Map.entry("RLIMIT_STACK", 3), Map.entry("RLIMIT_CORE", 4), Map.entry("RLIMIT_RSS", 5),
            Map.entry("RLIMIT_NPROC", 6), Map.entry("RLIMIT_NOFILE", 7), Map.entry("RLIMIT_MEMLOCK", 8), Map.entry("RLIMIT_AS", 9),
            Map.entry("RLIMIT_LOCKS", 10), Map.entry("RLIMIT_SIGPENDING", 11), Map.entry("RLIMIT_MSGQUEUE", 12),
            Map.entry("RLIMIT_NICE", 13), Map.entry("RLIMIT_RTPRIO", 14), Map.entry("RLIMIT_RTTIME", 15));

    private final Path bundle;
    private final JsonNode c;

    private OciBundle(Path bundle, JsonNode config) {
        this.bundle = bundle;
        this.c = config;
    }

    public static OciBundle load(Path bundle) throws ContainerException {
        Path file = bundle.resolve("config.json");
        JsonNode n;
        try {
            n = MAPPER.readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ContainerException("no config.json in the bundle " + bundle, 1, e);
        } catch (IOException e) {
            throw new ContainerException(file + " is not valid JSON: " + e.getMessage(), 1, e);
        }
        if (n == null || !n.isObject()) throw new ContainerException(file + " is not a JSON object", 1, null);
        OciBundle b = new OciBundle(bundle, n);
        b.refuseUnsupported();
        return b;
    }

    public Path bundle() { return bundle; }
    public String ociVersion() { return c.path("ociVersion").asText("1.0.2"); }
    public JsonNode annotations() { return c.path("annotations"); }
    public String cgroupsPath() { return c.path("linux").path("cgroupsPath").asText(""); }
    public boolean terminal() { return c.path("process").path("terminal").asBoolean(false); }

    public Path rootfs() {
        Path r = Path.of(c.path("root").path("path").asText("rootfs"));
        return (r.isAbsolute() ? r : bundle.resolve(r)).normalize();
    }

    private void refuseUnsupported() throws ContainerException {
        JsonNode linux = c.path("linux");
        refuseIf(!linux.path("seccomp").isMissingNode() && !linux.path("seccomp").isNull(),
                "linux.seccomp: seccomp filters are not supported yet (run with seccomp unconfined)");
        refuseIf(linux.path("uidMappings").size() > 0 || linux.path("gidMappings").size() > 0,
                "linux.uidMappings/gidMappings: user namespaces are not supported yet");
        refuseIf(hasEntries(c.path("hooks")), "hooks are not supported yet");
        refuseIf(!c.path("process").path("apparmorProfile").asText("").isEmpty(), "process.apparmorProfile: AppArmor is not supported");
        refuseIf(!c.path("process").path("selinuxLabel").asText("").isEmpty(), "process.selinuxLabel: SELinux is not supported");
        refuseIf(!linux.path("mountLabel").asText("").isEmpty(), "linux.mountLabel: SELinux is not supported");
        refuseIf(!linux.path("intelRdt").isMissingNode(), "linux.intelRdt is not supported");
        refuseIf(!linux.path("personality").isMissingNode(), "linux.personality is not supported yet");
        JsonNode res = linux.path("resources");
        for (String f : List.of("hugepageLimits", "network", "rdma", "unified")) {
            refuseIf(hasEntries(res.path(f)), "linux.resources." + f + " is not supported yet");
        }
        String umask = c.path("process").path("user").path("umask").asText("");
        refuseIf(!umask.isEmpty() && !umask.equals("18"), "process.user.umask other than 0022 is not supported yet");
        for (JsonNode ns : linux.path("namespaces")) {
            String type = ns.path("type").asText();
            refuseIf(type.equals("user"), "user namespaces are not supported yet");
            refuseIf(!NS_FLAGS.containsKey(type) && !type.equals("user"), "unknown namespace type '" + type + "'");
            refuseIf(ns.has("path") && List.of("pid", "mount", "cgroup").contains(type),
                    "joining an existing " + type + " namespace by path is not supported yet");
        }
    }

    private static boolean hasEntries(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) return false;
        if (n.isArray()) return n.size() > 0;
        if (n.isObject()) {
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                if (hasEntries(it.next())) return true;
            }
            return false;
        }
        return true;
    }

    private static void refuseIf(boolean cond, String why) throws ContainerException {
        if (cond) throw new ContainerException("unsupported in config.json: " + why, 1, null);
    }

    /** linux.resources as coop's limits (cpu shares become a weight the way runc converts them). */
    public Resources resources() {
        return resources(c.path("linux").path("resources"));
    }

    /** A linux.resources section (also what `update -r` reads) as coop's limits. */
    public static Resources resources(JsonNode r) {
        Resources.Builder b = Resources.builder().restrictDevices(restrictsDevices(r.path("devices")));
        JsonNode mem = r.path("memory");
        if (mem.has("limit") && mem.path("limit").asLong() > 0) b.memoryMax(mem.path("limit").asLong());
        if (mem.has("reservation") && mem.path("reservation").asLong() > 0) b.memoryHigh(mem.path("reservation").asLong());
        if (mem.has("swap") && mem.path("swap").asLong() != 0) b.memorySwap(mem.path("swap").asLong() < 0 ? Resources.UNLIMITED : mem.path("swap").asLong());
        JsonNode cpu = r.path("cpu");
        if (cpu.has("quota") && cpu.path("quota").asLong() > 0)
            b.cpuQuota(cpu.path("quota").asLong(), cpu.path("period").asLong(Resources.DEFAULT_CPU_PERIOD_US));
        if (cpu.has("shares") && cpu.path("shares").asLong() > 0) {
            long shares = cpu.path("shares").asLong();
            b.cpuWeight((int) (1 + ((shares - 2) * 9999) / 262142));
        }
        if (r.path("pids").has("limit") && r.path("pids").path("limit").asLong() != 0)
            b.pidsMax(r.path("pids").path("limit").asLong() < 0 ? Resources.UNLIMITED : r.path("pids").path("limit").asLong());
        JsonNode io = r.path("blockIO");
        if (io.has("weight")) b.ioWeight(1 + (io.path("weight").asInt() - 10) * 9999 / 990);
        for (var kind : Map.of("throttleReadBpsDevice", IoLimit.Kind.READ_BPS, "throttleWriteBpsDevice", IoLimit.Kind.WRITE_BPS,
                "throttleReadIOPSDevice", IoLimit.Kind.READ_IOPS, "throttleWriteIOPSDevice", IoLimit.Kind.WRITE_IOPS).entrySet()) {
            for (JsonNode d : io.path(kind.getKey())) {
                b.io(new IoLimit(d.path("major").asInt(), d.path("minor").asInt(), kind.getValue(), d.path("rate").asLong()));
            }
        }
        return b.build();
    }

    /**
     * Device cgroup rules: coop applies runc's default allow-list after a deny-all. A config that
     * allows less or more than that is refused rather than silently widened or narrowed.
     */
    private static boolean restrictsDevices(JsonNode rules) {
        if (rules.size() == 0) return false;
        Set<String> defaults = Set.of("c 1:3", "c 1:5", "c 1:7", "c 1:8", "c 1:9", "c 5:0", "c 5:1", "c 5:2", "c 136:-1",
                "c 10:200", "c -1:-1", "b -1:-1");
        boolean first = true;
        for (JsonNode rule : rules) {
            boolean allow = rule.path("allow").asBoolean(false);
            String dev = rule.path("type").asText("a") + " " + rule.path("major").asInt(-1) + ":" + rule.path("minor").asInt(-1);
            if (first && !allow && rule.path("type").asText("a").equals("a")) {
                first = false;
                continue;
            }
            if (!allow || !defaults.contains(dev))
                throw new IllegalArgumentException("linux.resources.devices: the rule " + rule + " is not supported yet"
                        + " (coop applies deny-all plus runc's default allow-list)");
            first = false;
        }
        return true;
    }

    /**
     * The stage plan: namespaces, the root as a bind mount of itself (pivot_root needs a mount
     * point), the config's mounts in order, devices, sysctls, masks, then the process.
     *
     * @param v1Controllers the host's v1 controllers, for a "cgroup" mount
     */
    public StagePlan plan(List<String> v1Controllers) throws ContainerException {
        StagePlan p = new StagePlan();
        JsonNode linux = c.path("linux");
        for (JsonNode ns : linux.path("namespaces")) {
            String type = ns.path("type").asText();
            if (ns.has("path")) p.put("setns", ns.path("path").asText());
            else p.flag(NS_FLAGS.get(type), true);
        }
        Path root = rootfs();
        if (!Files.isDirectory(root)) throw new ContainerException("root.path " + root + " is not a directory", 1, null);
        String r = root.toString();
        p.put("root", r);
        p.op("mount", r, r, "", Long.toString(MountFlags.MS_BIND | MountFlags.MS_REC), "", "d");
        boolean devTmpfs = false;
        try {
            for (JsonNode m : c.path("mounts")) {
                String dest = m.path("destination").asText();
                if (!dest.startsWith("/")) throw new ContainerException("mount destination '" + dest + "' is not absolute", 1, null);
                String type = m.path("type").asText("");
                List<String> opts = new ArrayList<>();
                m.path("options").forEach(o -> opts.add(o.asText()));
                if (type.equals("cgroup") || type.equals("cgroup2")) {
                    RootfsPlanner.cgroupMounts(p, r, !opts.contains("ro"), v1Controllers);
                    continue;
                }
                MountOptions mo = MountOptions.parse(dest, opts);
                String source = m.path("source").asText(type);
                boolean bind = (mo.flags() & MountFlags.MS_BIND) != 0 || type.equals("bind");
                long flags = mo.flags() | (type.equals("bind") ? MountFlags.MS_BIND : 0);
                if (bind && !source.startsWith("/")) source = bundle.resolve(source).toString();
                boolean file = bind && Files.isRegularFile(Path.of(source));
                p.op("mount", source, r + dest, bind ? "" : type, Long.toString(flags), mo.data(), file ? "f" : "d");
                if (dest.equals("/dev") && type.equals("tmpfs")) devTmpfs = true;
            }
        } catch (IllegalArgumentException e) {
            throw new ContainerException("unsupported in config.json: " + e.getMessage(), 1, e);
        }
        if (devTmpfs) {
            RootfsPlanner.devices(p, r);
            RootfsPlanner.devLinks(p, r);
            p.op("symlink", "pts/ptmx", r + "/dev/ptmx");
        }
        for (JsonNode d : linux.path("devices")) {
            int type = switch (d.path("type").asText("c")) {
                case "b" -> 060000;
                case "p" -> 010000;
                default -> 020000;
            };
            int mode = type | d.path("fileMode").asInt(0666);
            p.op("mknod", r + d.path("path").asText(), Integer.toOctalString(mode), Integer.toString(d.path("major").asInt()),
                    Integer.toString(d.path("minor").asInt()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = linux.path("sysctl").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            p.op("sysctl", r + "/proc/sys/" + e.getKey().replace('.', '/'), e.getValue().asText());
        }
        List<String> masked = new ArrayList<>(), ro = new ArrayList<>();
        linux.path("maskedPaths").forEach(x -> masked.add(x.asText()));
        linux.path("readonlyPaths").forEach(x -> ro.add(x.asText()));
        RootfsPlanner.masks(p, r, masked, ro);
        if (!c.path("hostname").asText("").isEmpty()) p.put("hostname", c.path("hostname").asText());
        p.flag("rootro", c.path("root").path("readonly").asBoolean(false));
        process(p, c.path("process"));
        return p;
    }

    /** The container's own process section (defaults for exec). */
    public JsonNode process() {
        return c.path("process");
    }

    /** A process's part of a plan: what exec into a running container needs on its own. */
    public static void process(StagePlan p, JsonNode pr) throws ContainerException {
        if (pr.path("args").size() == 0) throw new ContainerException("process.args is empty: nothing to run", 1, null);
        pr.path("args").forEach(a -> p.put("arg", a.asText()));
        pr.path("env").forEach(e -> p.put("env", e.asText()));
        p.put("cwd", pr.path("cwd").asText("/"));
        JsonNode u = pr.path("user");
        p.put("uid", u.path("uid").asLong(0)).put("gid", u.path("gid").asLong(0));
        u.path("additionalGids").forEach(g -> p.put("group", g.asText()));
        JsonNode caps = pr.path("capabilities");
        try {
            p.put("caps", Capabilities.numbers(names(caps.path("bounding"))));
            p.put("caps_eff", Capabilities.numbers(names(caps.path("effective"))));
            p.put("caps_perm", Capabilities.numbers(names(caps.path("permitted"))));
            p.put("caps_inh", Capabilities.numbers(names(caps.path("inheritable"))));
            p.put("caps_amb", Capabilities.numbers(names(caps.path("ambient"))));
        } catch (IllegalArgumentException e) {
            throw new ContainerException("process.capabilities: " + e.getMessage(), 1, e);
        }
        for (JsonNode rl : pr.path("rlimits")) {
            Integer n = RLIMITS.get(rl.path("type").asText());
            if (n == null) throw new ContainerException("process.rlimits: unknown type " + rl.path("type").asText(), 1, null);
            p.op("rlimit", n.toString(), Long.toUnsignedString(rl.path("soft").asLong()), Long.toUnsignedString(rl.path("hard").asLong()));
        }
        p.flag("nnp", pr.path("noNewPrivileges").asBoolean(false));
        if (pr.has("oomScoreAdj")) p.put("oom_score_adj", pr.path("oomScoreAdj").asInt());
        p.flag("tty", pr.path("terminal").asBoolean(false));
    }

    private static List<String> names(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }
}
