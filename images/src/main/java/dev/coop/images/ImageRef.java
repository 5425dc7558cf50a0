package dev.coop.images;

import java.util.regex.Pattern;

/** NAME[:TAG]: a repository name with a tag, "latest" when none is given. */
public record ImageRef(String repository, String tag) {
    private static final Pattern REPO = Pattern.compile("[a-z0-9]+([._-]+[a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public ImageRef {
        if (!REPO.matcher(repository).matches())
            throw new IllegalArgumentException("invalid image name '" + repository + "': use lowercase letters, digits and . _ - /");
        if (!TAG.matcher(tag).matches()) throw new IllegalArgumentException("invalid tag '" + tag + "'");
    }

    /** Docker Hub names are kept short, as docker shows them: docker.io/library/bb:1 is bb:1. */
    public static ImageRef parse(String s) {
        if (s.startsWith("docker.io/library/")) s = s.substring(18);
        else if (s.startsWith("docker.io/")) s = s.substring(10);
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) return new ImageRef(s.substring(0, colon), s.substring(colon + 1));
        return new ImageRef(s, "latest");
    }

    @Override
    public String toString() {
        return repository + ":" + tag;
    }
}
