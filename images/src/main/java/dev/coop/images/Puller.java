package dev.coop.images;

import dev.coop.images.internal.Registry;
import dev.coop.images.internal.RegistrySource;

/**
 * `coop pull`: an image from an OCI distribution registry, through the same verified import as
 * a local archive (a registry is one more source). A layer is committed to the store only once
 * it is complete and verified, so an interrupted pull leaves nothing visible and can be re-run.
 */
public final class Puller {
    private final ImageStore store;
    private final String platform;
    private final Importer.Progress progress;

    public Puller(ImageStore store, String platform, Importer.Progress progress) {
        this.store = store;
        this.platform = platform;
        this.progress = progress;
    }

    /**
     * @param reference HOST[:PORT]/REPOSITORY[:TAG|@sha256:HEX]
     * @param insecure  plain HTTP; always so for localhost and 127.0.0.1
     * @param credentials USER:PASSWORD, or null for anonymous
     */
    public Image pull(String reference, boolean insecure, String credentials) throws ImageException {
        int slash = reference.indexOf('/');
        String host = slash > 0 ? reference.substring(0, slash) : "";
        if (slash <= 0 || !(host.contains(".") || host.contains(":") || host.equals("localhost")))
            throw new ImageException("give the registry in the reference, e.g. localhost:5000/" + reference
                    + " (Docker Hub is not reachable from here)");
        String rest = reference.substring(slash + 1);
        String repo, ref;
        int at = rest.indexOf('@');
        if (at > 0) {
            repo = rest.substring(0, at);
            ref = rest.substring(at + 1);
            Digest.parse(ref);
        } else {
            int colon = rest.lastIndexOf(':');
            repo = colon > 0 ? rest.substring(0, colon) : rest;
            ref = colon > 0 ? rest.substring(colon + 1) : "latest";
        }
        boolean plain = insecure || host.startsWith("localhost") || host.startsWith("127.0.0.1");
        String name = at > 0 ? null : host + "/" + repo + ":" + ref;
        Registry registry = new Registry(host, repo, plain, credentials);
        return new Importer(store, platform, progress).importFrom(new RegistrySource(registry, ref), reference, null, name);
    }
}
