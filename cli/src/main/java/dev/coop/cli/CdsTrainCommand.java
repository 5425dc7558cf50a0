package dev.coop.cli;

import dev.coop.cgroups.CgroupDriver;
import dev.coop.overlay.ContainerLayer;
import dev.coop.runtime.ContainerException;
import dev.coop.runtime.ContainerId;
import dev.coop.runtime.ContainerRecord;
import dev.coop.runtime.ContainerSpec;
import dev.coop.runtime.Containers;
import dev.coop.runtime.RuntimeConfig;
import dev.coop.runtime.StateStore;
import dev.coop.sys.Fd;
import dev.coop.sys.SpawnSpec;
import dev.coop.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Walks the `coop run` path without root so the build can record which classes it loads into a
 * class-data-sharing archive (-XX:ArchiveClassesAtExit): parsing, the plan, the state files and
 * a real posix_spawn of the native stage, which fails harmlessly on a plan without a program.
 */
@Command(name = "__cds-train", hidden = true)
final class CdsTrainCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path tmp = Files.createTempDirectory("coop-cds-");
        try {
            Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
            CommandLine cl = Main.commandLine("run");
            CommandLine.ParseResult pr = cl.parseArgs("run", "--rm", "--rootfs", rootfs.toString(), "--memory", "64m",
                    "--cpus", "0.5", "--pids-limit", "10", "-e", "A=1", "--", "true");
            ContainerSpec spec = ((RunCommand) pr.subcommand().commandSpec().userObject()).toSpec();
            new dev.coop.images.ImageStore(tmp.resolve("store"), Syscalls.linux()).list();
            RuntimeConfig env = RuntimeConfig.fromEnvironment();
            RuntimeConfig cfg = new RuntimeConfig(tmp.resolve("state"), tmp.resolve("store"), env.stage(), null);
            CgroupDriver driver;
            try {
                driver = CgroupDriver.detect();
            } catch (Exception e) {
                return 0; // no cgroups on the build host: the archive is simply smaller
            }
            Containers cs = new Containers(cfg, driver, Syscalls.linux());
            byte[] plan = cs.plan(spec);
            StateStore store = new StateStore(cfg.stateRoot());
            ContainerId id = ContainerId.random();
            store.reserve(id, "train");
            store.write(new ContainerRecord(id, "train", 1, rootfs.toString(), null, spec.args(), "h", -1, false, true, 1, null));
            store.read(id);
            cs.list();
            try {
                cs.inspect("train");
            } catch (ContainerException ignored) {
                // no pid file: fine
            }
            store.remove(id, "train");
            trainOci(tmp, driver);
            spawnStage(env.stage(), plan);
            return 0;
        } finally {
            ContainerLayer.deleteTree(tmp);
        }
    }

    /** coop-oci's path: its command line, a bundle's config.json parsed and planned, a state as JSON. */
    private static void trainOci(Path tmp, CgroupDriver driver) throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.createDirectories(bundle.resolve("rootfs"));
        try (var in = OciMain.class.getResourceAsStream("/oci/config.json")) {
            Files.write(bundle.resolve("config.json"), in.readAllBytes());
        }
        new CommandLine(new OciMain()).parseArgs("--root", tmp.resolve("oci").toString(), "create", "--bundle", bundle.toString(), "x");
        dev.coop.runtime.oci.OciBundle b = dev.coop.runtime.oci.OciBundle.load(bundle);
        b.plan(driver.v1Controllers()).encode();
        b.resources();
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("status", "created"));
        new dev.coop.runtime.oci.OciRuntime(tmp.resolve("oci"), Path.of("/nonexistent"), driver, Syscalls.linux()).list();
    }

    /**
     * The stage gets a plan with no program, in a UTS namespace of its own (so the hostname it
     * sets can never be the build host's): it reports an error and exits. Without root the clone
     * itself fails, which exercises the same code.
     */
    private static void spawnStage(Path stage, byte[] ignoredFullPlan) throws Exception {
        if (!Files.isExecutable(stage)) return;
        Syscalls sys = Syscalls.linux();
        Fd[] pair = sys.socketpair();
        int pid = sys.spawn(SpawnSpec.builder(stage.toString()).env(List.of()).dup(pair[1], 3).build());
        pair[1].close();
        byte[] tiny = new dev.coop.runtime.internal.StagePlan().put("utsns", "1").put("hostname", "x").encode();
        pair[0].writeFully(tiny);
        byte[] buf = new byte[512];
        while (pair[0].read(buf, 0, buf.length) > 0) {
            // drain until the stage closes its end
        }
        pair[0].close();
        sys.waitpid(pid);
    }
}
