package dev.coop.cli;

import dev.coop.cgroups.ByteSize;
import dev.coop.images.Descriptor;
import dev.coop.images.Digest;
import dev.coop.images.Image;
import dev.coop.images.ImageException;
import dev.coop.images.ImageStore;
import dev.coop.images.Importer;
import dev.coop.runtime.ContainerException;
import dev.coop.runtime.ContainerInfo;
import dev.coop.runtime.RuntimeConfig;
import dev.coop.sys.Syscalls;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "images", description = "Import, list, inspect, tag and remove images.",
        subcommands = {ImagesCommand.Import.class, ImagesCommand.Ls.class, ImagesCommand.Inspect.class,
                ImagesCommand.Rm.class, ImagesCommand.Prune.class, ImagesCommand.Tag.class})
final class ImagesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: see coop images --help");
    }

    static ImageStore store() {
        return new ImageStore(RuntimeConfig.fromEnvironment().storeRoot(), Syscalls.linux());
    }

    /** Image failures as the CLI reports them. */
    static ContainerException fail(ImageException e) {
        return new ContainerException(e.getMessage(), 1, e);
    }

    @Command(name = "import", description = "Import an OCI layout, OCI archive or docker-save tarball (PATH or PATH:REF).")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "PATH[:REF]")
        String path;

        @Option(names = "--name", paramLabel = "NAME[:TAG]", description = "Name to give the image.")
        String name;

        @picocli.CommandLine.Mixin
        FetchOptions fetch;

        @Override
        public Integer call() throws Exception {
            ImageStore store = store();
            LayerProgress progress = fetch.progress();
            Image image;
            long t0 = System.nanoTime();
            try {
                image = new Importer(store, fetch.platform, progress).importImage(path, name);
            } catch (ImageException e) {
                throw fail(e);
            } finally {
                progress.close();
            }
            if (!fetch.quiet) {
                System.err.printf("imported %s (%d layers, %s) in %.1fs%n", image.displayName(), image.layers().size(),
                        ByteSize.format(image.size()), (System.nanoTime() - t0) / 1e9);
            }
            System.out.println(image.id());
            return 0;
        }
    }

    /** One progress bar per layer, with its rate, on a terminal; nothing otherwise. */
    static final class LayerProgress implements Importer.Progress, AutoCloseable {
        private final boolean show;
        private ProgressBar bar;
        private int current = -1;

        LayerProgress(boolean show) {
            this.show = show;
        }

        @Override
        public void layer(int index, int count, long bytes, long total) {
            if (!show) return;
            if (current != index) {
                close();
                bar = new ProgressBarBuilder().setTaskName("layer " + (index + 1) + "/" + count).setInitialMax(Math.max(total, 1))
                        .setStyle(ProgressBarStyle.ASCII).setUnit("MiB", 1 << 20).showSpeed().setUpdateIntervalMillis(200).build();
                current = index;
            }
            bar.stepTo(bytes);
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
            bar = null;
        }
    }

    @Command(name = "ls", description = "List images.")
    static final class Ls implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<Image> images;
            try {
                images = store().list();
            } catch (ImageException e) {
                throw fail(e);
            }
            if (json) {
                Json.print(g -> {
                    g.writeStartArray();
                    for (Image i : images) {
                        g.writeStartObject();
                        g.writeStringField("id", i.id().toString());
                        g.writeArrayFieldStart("names");
                        for (String n : i.names()) g.writeString(n);
                        g.writeEndArray();
                        g.writeNumberField("size", i.size());
                        g.writeNumberField("layers", i.layers().size());
                        g.writeStringField("created", i.config().created());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                });
                return 0;
            }
            Table t = new Table("NAME", "IMAGE ID", "LAYERS", "SIZE", "CREATED").rightAlign(2, 3);
            for (Image i : images) {
                List<String> names = i.names().isEmpty() ? List.of("<none>") : i.names();
                for (String n : names) {
                    t.row(n, i.id().shortHex(), i.layers().size(), ByteSize.format(i.size()), created(i.config().created()));
                }
            }
            t.print(System.out);
            return 0;
        }

        static String created(String iso) {
            try {
                return Ago.since(Instant.parse(iso).toEpochMilli());
            } catch (RuntimeException e) {
                return iso.isEmpty() ? "-" : iso;
            }
        }
    }

    @Command(name = "inspect", description = "Show an image's config and layers.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE")
        String ref;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Image i;
            try {
                i = store().get(ref);
            } catch (ImageException e) {
                throw fail(e);
            }
            if (json) {
                System.out.write(ImageStore.json(i));
                System.out.println();
                return 0;
            }
            System.out.println("id:          " + i.id());
            System.out.println("names:       " + (i.names().isEmpty() ? "<none>" : String.join(", ", i.names())));
            System.out.println("platform:    " + i.config().os() + "/" + i.config().architecture());
            System.out.println("created:     " + i.config().created());
            System.out.println("entrypoint:  " + i.config().entrypoint());
            System.out.println("cmd:         " + i.config().cmd());
            System.out.println("env:         " + i.config().env());
            System.out.println("workdir:     " + i.config().workingDir());
            System.out.println("user:        " + i.config().user());
            System.out.println("stop signal: " + i.config().stopSignal());
            Table t = new Table("LAYER", "DIGEST", "DIFF ID", "SIZE").rightAlign(0, 3);
            for (int n = 0; n < i.layers().size(); n++) {
                Descriptor d = i.layers().get(n);
                t.row(n + 1, d.digest().shortHex(), i.config().diffIds().get(n).shortHex(), ByteSize.format(Math.max(0, d.size())));
            }
            t.print(System.out);
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove an image name, or the image (refused while a container uses it).")
    static final class Rm implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> refs;

        @Option(names = {"-f", "--force"}, description = "Drop the names of an image a container uses (its layers stay until the container goes).")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Set<String> used = Runtime.containers().list().stream().map(ContainerInfo::record)
                    .map(r -> r.imageId()).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
            ImageStore store = store();
            for (String ref : refs) {
                try {
                    System.out.println(store.remove(ref, force, (Digest id) -> used.contains(id.toString())));
                } catch (ImageException e) {
                    throw fail(e);
                }
            }
            return 0;
        }
    }

    @Command(name = "prune", description = "Delete layers and blobs no image references.")
    static final class Prune implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            try {
                System.out.println("freed " + ByteSize.format(store().prune()));
            } catch (ImageException e) {
                throw fail(e);
            }
            return 0;
        }
    }

    @Command(name = "tag", description = "Give an image another name.")
    static final class Tag implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IMAGE")
        String source;

        @Parameters(index = "1", paramLabel = "NAME[:TAG]")
        String target;

        @Override
        public Integer call() throws Exception {
            try {
                store().tag(source, target);
            } catch (ImageException e) {
                throw fail(e);
            }
            return 0;
        }
    }
}
