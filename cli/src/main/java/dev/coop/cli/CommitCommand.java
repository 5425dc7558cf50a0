package dev.coop.cli;

import dev.coop.images.Committer;
import dev.coop.images.Image;
import dev.coop.images.ImageException;
import dev.coop.overlay.ContainerLayer;
import dev.coop.runtime.ContainerException;
import dev.coop.runtime.ContainerInfo;
import dev.coop.runtime.RuntimeConfig;
import dev.coop.sys.Syscalls;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "commit", description = "Make a container's changes a new image (its image plus one layer).")
final class CommitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Parameters(index = "1", paramLabel = "NAME[:TAG]")
    String name;

    @Option(names = {"-m", "--message"}, description = "A comment recorded in the image's history.")
    String message;

    @Override
    public Integer call() throws Exception {
        ContainerInfo info = Runtime.containers().inspect(container);
        String imageId = info.record().imageId();
        if (imageId == null)
            throw new ContainerException("container " + info.record().id().shortId() + " was run from --rootfs, not an image:"
                    + " only containers run from images can be committed", 1, null);
        ContainerLayer layer = new ContainerLayer(RuntimeConfig.fromEnvironment().storeRoot(), info.record().id().value());
        try {
            Image image = new Committer(ImagesCommand.store(), Syscalls.linux()).commit(layer.upper(), imageId, name, message);
            System.out.println(image.id());
        } catch (ImageException e) {
            throw ImagesCommand.fail(e);
        }
        return 0;
    }
}
