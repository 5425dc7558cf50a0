package dev.coop.cli;

import picocli.CommandLine.Option;

/** What `coop images import` and `coop pull` share: which platform to take, and how loud to be. */
final class FetchOptions {
    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Platform to pick from a multi-platform image (default: this host's).")
    String platform;

    @Option(names = {"-q", "--quiet"}, description = "No progress display.")
    boolean quiet;

    ImagesCommand.LayerProgress progress() {
        return new ImagesCommand.LayerProgress(!quiet && System.console() != null);
    }
}
