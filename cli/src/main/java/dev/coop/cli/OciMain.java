package dev.coop.cli;

import dev.coop.cgroups.CgroupDriver;
import dev.coop.runtime.ContainerException;
import dev.coop.runtime.RuntimeConfig;
import dev.coop.runtime.oci.OciRuntime;
import dev.coop.sys.Signal;
import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * coop-oci: runc's command line, so engines (podman, containerd) can use coop as their OCI
 * runtime. Errors go to standard error and, with --log, to that file; with --log-format json as
 * {"level":"error","msg":...,"time":...} lines, which is what containerd and podman read.
 */
@Command(name = "coop-oci", mixinStandardHelpOptions = true, version = {"coop-oci version 0.1.0", "spec: 1.0.2"},
        description = "An OCI runtime with runc's command line.",
        subcommands = {OciMain.Create.class, OciMain.Start.class, OciMain.State.class, OciMain.Kill.class,
                OciMain.Delete.class, OciMain.Run.class, OciMain.ListCmd.class, OciMain.Spec.class, OciMain.Features.class,
                OciMain.Pause.class, OciMain.Resume.class, OciMain.Ps.class, OciMain.Exec.class,
                OciMain.Update.class, OciMain.Events.class})
public final class OciMain implements Runnable {
    @Option(names = "--root", description = "State directory (default ${DEFAULT-VALUE}).", defaultValue = "/run/coop-oci")
    Path root;

    @Option(names = "--log", description = "Log file for errors.")
    Path log;

    @Option(names = "--log-format", description = "text or json (default ${DEFAULT-VALUE}).", defaultValue = "text")
    String logFormat;

    @Option(names = "--debug", description = "Accepted for runc compatibility.")
    boolean debug;

    @Option(names = "--systemd-cgroup", description = "Refused: coop drives cgroupfs directly.")
    boolean systemdCgroup;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: see coop-oci --help");
    }

    public static void main(String[] args) {
        OciMain main = new OciMain();
        CommandLine cl = new CommandLine(main);
        // runc exec ID CMD ARGS...: everything after the id belongs to the command, even "-c".
        cl.getSubcommands().get("exec").setStopAtPositional(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            String msg = ex instanceof ContainerException || ex instanceof IllegalArgumentException ? ex.getMessage() : ex.toString();
            main.error(msg);
            if (ex instanceof ContainerException ce && (ce.exitCode() == 127 || ce.exitCode() == 255)) return ce.exitCode();
            return 1;
        });
        System.exit(cl.execute(args));
    }

    void error(String msg) {
        System.err.println("coop-oci: " + msg);
        if (log == null) return;
        String line = logFormat.equals("json")
                ? "{\"level\":\"error\",\"msg\":" + quote(msg) + ",\"time\":\"" + Instant.now() + "\"}\n"
                : "time=\"" + Instant.now() + "\" level=error msg=" + quote(msg) + "\n";
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // standard error already has it
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    OciRuntime runtime() throws ContainerException {
        if (systemdCgroup) throw new ContainerException("--systemd-cgroup is not supported: coop manages cgroupfs directly", 1, null);
        try {
            return new OciRuntime(root, RuntimeConfig.fromEnvironment().stage(), CgroupDriver.detect(), Syscalls.linux());
        } catch (dev.coop.cgroups.CgroupException e) {
            throw new ContainerException(e.getMessage(), 1, e);
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @CommandLine.ParentCommand
        OciMain main;
    }

    @Command(name = "create", description = "Create a container from a bundle; its program waits for start.")
    static final class Create extends Sub {
        @Option(names = {"-b", "--bundle"}, defaultValue = ".") Path bundle;
        @Option(names = "--pid-file") Path pidFile;
        @Option(names = "--console-socket") String consoleSocket;
        @Option(names = "--preserve-fds", defaultValue = "0") int preserveFds;
        @Option(names = "--no-pivot") boolean noPivot;
        @Option(names = "--no-new-keyring") boolean noNewKeyring;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            if (preserveFds != 0) throw new ContainerException("--preserve-fds is not supported yet", 1, null);
            main.runtime().create(id, bundle, pidFile, consoleSocket);
            return 0;
        }
    }

    @Command(name = "start", description = "Start a created container's program.")
    static final class Start extends Sub {
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            main.runtime().start(id);
            return 0;
        }
    }

    @Command(name = "state", description = "Print the OCI state of a container.")
    static final class State extends Sub {
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            System.out.println(main.runtime().stateJson(id));
            return 0;
        }
    }

    @Command(name = "kill", description = "Send a signal (default SIGTERM) to a container's init, or with --all to all its processes.")
    static final class Kill extends Sub {
        @Option(names = {"-a", "--all"}) boolean all;
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "SIGNAL", defaultValue = "SIGTERM") String signal;

        @Override
        public Integer call() throws Exception {
            main.runtime().kill(id, Signal.parse(signal), all);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a container and every trace of it.")
    static final class Delete extends Sub {
        @Option(names = {"-f", "--force"}) boolean force;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            main.runtime().delete(id, force);
            return 0;
        }
    }

    @Command(name = "run", description = "Create and start a container in the foreground, then delete it; exits with its code.")
    static final class Run extends Sub {
        @Option(names = {"-b", "--bundle"}, defaultValue = ".") Path bundle;
        @Option(names = "--pid-file") Path pidFile;
        @Option(names = {"-d", "--detach"}) boolean detach;
        @Option(names = "--keep") boolean keep;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            OciRuntime rt = main.runtime();
            if (detach) {
                rt.create(id, bundle, pidFile, null);
                rt.start(id);
                return 0;
            }
            int code = rt.run(id, bundle, pidFile);
            if (!keep) rt.delete(id, true);
            return code;
        }
    }

    @Command(name = "list", description = "List containers.")
    static final class ListCmd extends Sub {
        @Option(names = {"-f", "--format"}, defaultValue = "table") String format;
        @Option(names = {"-q", "--quiet"}) boolean quiet;

        @Override
        public Integer call() throws Exception {
            List<OciRuntime.State> states = main.runtime().list();
            if (quiet) {
                states.forEach(s -> System.out.println(s.id()));
            } else if (format.equals("json")) {
                StringBuilder sb = new StringBuilder("[");
                for (OciRuntime.State s : states) {
                    if (sb.length() > 1) sb.append(',');
                    sb.append("{\"ociVersion\":").append(quote(s.ociVersion())).append(",\"id\":").append(quote(s.id()))
                            .append(",\"pid\":").append(s.pid()).append(",\"status\":").append(quote(s.status().label()))
                            .append(",\"bundle\":").append(quote(s.bundle())).append(",\"rootfs\":")
                            .append(quote(s.bundle() + "/rootfs")).append(",\"created\":").append(quote(s.created()))
                            .append(",\"owner\":\"root\"}");
                }
                System.out.println(sb.append(']'));
            } else {
                Table t = new Table("ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER").rightAlign(1);
                for (OciRuntime.State s : states) t.row(s.id(), s.pid(), s.status().label(), s.bundle(), s.created(), "root");
                t.print(System.out);
            }
            return 0;
        }
    }

    @Command(name = "exec", description = "Run another process in a running container (its namespaces and cgroup).")
    static final class Exec extends Sub {
        @Option(names = {"-p", "--process"}, description = "A process.json to run instead of the inline arguments.") Path process;
        @Option(names = {"-e", "--env"}) List<String> env = new java.util.ArrayList<>();
        @Option(names = "--cwd") String cwd;
        @Option(names = {"-u", "--user"}, description = "UID[:GID]") String user;
        @Option(names = {"-d", "--detach"}) boolean detach;
        @Option(names = {"-t", "--tty"}) boolean tty;
        @Option(names = "--pid-file") Path pidFile;
        @Parameters(index = "0", paramLabel = "ID") String id;
        @Parameters(index = "1..*", paramLabel = "ARGS") List<String> args = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            OciRuntime rt = main.runtime();
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode p;
            if (process != null) {
                p = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(Files.readAllBytes(process));
            } else {
                if (args.isEmpty()) throw new ContainerException("exec needs a command (or --process FILE)", 1, null);
                p = ((com.fasterxml.jackson.databind.node.ObjectNode) rt.processDefaults(id)).deepCopy();
                var a = p.putArray("args");
                args.forEach(a::add);
                if (!env.isEmpty()) env.forEach(p.withArray("env")::add);
                if (cwd != null) p.put("cwd", cwd);
                if (user != null) {
                    String[] ug = user.split(":", 2);
                    var u = p.putObject("user");
                    u.put("uid", Long.parseLong(ug[0]));
                    u.put("gid", ug.length > 1 ? Long.parseLong(ug[1]) : 0);
                }
                p.put("terminal", tty);
            }
            if (pidFile != null) throw new ContainerException("exec --pid-file is not supported yet", 1, null);
            return rt.exec(id, p, detach);
        }
    }

    @Command(name = "update", description = "Change a container's resource limits.")
    static final class Update extends Sub {
        @Option(names = {"-r", "--resources"}, description = "A linux.resources JSON file (\"-\" for standard input).") String resources;
        @Option(names = {"-m", "--memory"}) Long memory;
        @Option(names = "--memory-swap") Long memorySwap;
        @Option(names = "--cpu-quota") Long cpuQuota;
        @Option(names = "--cpu-period") Long cpuPeriod;
        @Option(names = "--cpu-share") Long cpuShares;
        @Option(names = "--pids-limit") Long pids;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode r;
            if (resources != null) {
                byte[] json = resources.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(resources));
                r = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json);
            } else {
                r = mapper.createObjectNode();
                if (memory != null) r.with("memory").put("limit", memory);
                if (memorySwap != null) r.with("memory").put("swap", memorySwap);
                if (cpuQuota != null) r.with("cpu").put("quota", cpuQuota);
                if (cpuPeriod != null) r.with("cpu").put("period", cpuPeriod);
                if (cpuShares != null) r.with("cpu").put("shares", cpuShares);
                if (pids != null) r.with("pids").put("limit", pids);
            }
            main.runtime().update(id, dev.coop.runtime.oci.OciBundle.resources(r));
            return 0;
        }
    }

    @Command(name = "events", description = "Container events (OOM kills) and stats, as JSON lines; --stats prints one and exits.")
    static final class Events extends Sub {
        @Option(names = "--stats") boolean stats;
        @Option(names = "--interval", defaultValue = "5", description = "Seconds between stats (default ${DEFAULT-VALUE}).") long interval;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            OciRuntime rt = main.runtime();
            dev.coop.cgroups.CgroupStats s = rt.stats(id);
            if (stats) {
                System.out.println(statsJson(id, s));
                return 0;
            }
            long ooms = Math.max(0, s.oomKills());
            long next = System.currentTimeMillis();
            while (rt.state(id).status() != OciRuntime.Status.STOPPED) {
                s = rt.stats(id);
                if (s.oomKills() > ooms) {
                    ooms = s.oomKills();
                    System.out.println("{\"type\":\"oom\",\"id\":" + quote(id) + "}");
                }
                if (System.currentTimeMillis() >= next) {
                    System.out.println(statsJson(id, s));
                    next = System.currentTimeMillis() + interval * 1000;
                }
                System.out.flush();
                Thread.sleep(100);
            }
            return 0;
        }

        private static String statsJson(String id, dev.coop.cgroups.CgroupStats s) {
            return "{\"type\":\"stats\",\"id\":" + quote(id) + ",\"data\":{\"cpu\":{\"usage\":{\"total\":" + s.cpuUsageNanos()
                    + "}},\"memory\":{\"usage\":{\"usage\":" + s.memoryCurrent() + ",\"max\":" + s.memoryPeak()
                    + "},\"oom_kills\":" + s.oomKills() + "},\"pids\":{\"current\":" + s.pidsCurrent()
                    + "},\"blkio\":{\"read_bytes\":" + s.ioReadBytes() + ",\"write_bytes\":" + s.ioWriteBytes() + "}}}";
        }
    }

    @Command(name = "pause", description = "Freeze every process of a running container.")
    static final class Pause extends Sub {
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            main.runtime().pause(id);
            return 0;
        }
    }

    @Command(name = "resume", description = "Thaw a paused container.")
    static final class Resume extends Sub {
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            main.runtime().resume(id);
            return 0;
        }
    }

    @Command(name = "ps", description = "The processes of a container (--format json: their pids, as runc prints them).")
    static final class Ps extends Sub {
        @Option(names = {"-f", "--format"}, defaultValue = "table") String format;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() throws Exception {
            List<Integer> pids = main.runtime().pids(id);
            if (format.equals("json")) {
                System.out.println(pids.toString().replace(" ", ""));
                return 0;
            }
            Table t = new Table("PID", "CMD").rightAlign(0);
            for (int pid : pids) {
                String cmd;
                try {
                    cmd = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').trim();
                } catch (IOException e) {
                    cmd = "(exited)";
                }
                t.row(pid, cmd);
            }
            t.print(System.out);
            return 0;
        }
    }

    @Command(name = "spec", description = "Write a default config.json (as runc spec does).")
    static final class Spec extends Sub {
        @Option(names = {"-b", "--bundle"}, defaultValue = ".") Path bundle;

        @Override
        public Integer call() throws Exception {
            Path f = bundle.resolve("config.json");
            if (Files.exists(f)) throw new ContainerException("File " + f + " exists. Remove it first", 1, null);
            try (var in = OciMain.class.getResourceAsStream("/oci/config.json")) {
                Files.write(f, in.readAllBytes());
            }
            return 0;
        }
    }

    @Command(name = "features", description = "What this runtime supports, as JSON.")
    static final class Features extends Sub {
        @Override
        public Integer call() throws Exception {
            try (var in = OciMain.class.getResourceAsStream("/oci/features.json")) {
                System.out.write(in.readAllBytes());
            }
            System.out.flush();
            return 0;
        }
    }
}
