package dev.coop.cli;

import dev.coop.cgroups.ByteSize;
import dev.coop.images.Image;
import dev.coop.images.ImageException;
import dev.coop.images.Puller;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pull", description = "Pull an image from an OCI distribution registry.")
final class PullCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REGISTRY/NAME[:TAG|@DIGEST]")
    String reference;

    @Option(names = "--insecure", description = "Plain HTTP (always so for localhost and 127.0.0.1).")
    boolean insecure;

    @Option(names = "--creds", paramLabel = "USER:PASSWORD", description = "Credentials for the registry or its token service.")
    String creds;

    @picocli.CommandLine.Mixin
    FetchOptions fetch;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Image image;
        try (ImagesCommand.LayerProgress progress = fetch.progress()) {
            image = new Puller(ImagesCommand.store(), fetch.platform, progress).pull(reference, insecure, creds);
        } catch (ImageException e) {
            throw ImagesCommand.fail(e);
        }
        if (!fetch.quiet) {
            System.err.printf("pulled %s (%d layers, %s) in %.1fs%n", image.displayName(), image.layers().size(),
                    ByteSize.format(image.size()), (System.nanoTime() - t0) / 1e9);
        }
        System.out.println(image.id());
        return 0;
    }
}
