package dev.coop.cli;

import dev.coop.runtime.ContainerInfo;
import dev.coop.runtime.Containers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = "Print the output of a detached container.")
final class LogsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CONTAINER")
    String ref;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the container exits.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        Containers cs = Runtime.containers();
        Path log = Path.of(cs.logFile(ref));
        byte[] buf = new byte[65536];
        try (InputStream in = Files.newInputStream(log)) {
            while (true) {
                int n = in.read(buf);
                if (n > 0) {
                    System.out.write(buf, 0, n);
                    continue;
                }
                System.out.flush();
                if (!follow || cs.inspect(ref).status() != ContainerInfo.Status.RUNNING) {
                    if (follow) drain(in, buf);
                    return 0;
                }
                Thread.sleep(100);
            }
        } catch (NoSuchFileException e) {
            System.err.println("coop: container " + ref + " has no log: only detached containers (-d) write one");
            return 1;
        }
    }

    private static void drain(InputStream in, byte[] buf) throws IOException {
        for (int n; (n = in.read(buf)) > 0; ) System.out.write(buf, 0, n);
        System.out.flush();
    }
}
