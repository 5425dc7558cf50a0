package dev.coop.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The credentials a container's program runs with, resolved the way docker does: "UID[:GID]" or
 * "NAME[:GROUP]" looked up in the root filesystem's /etc/passwd and /etc/group; a numeric uid
 * that has no passwd entry runs with gid 0 and home /.
 */
public record User(int uid, int gid, List<Integer> additionalGids, String home) {
    public User {
        additionalGids = List.copyOf(additionalGids);
    }

    /** The same credentials without supplementary groups. */
    public User withoutExtra() {
        return new User(uid, gid, List.of(), home);
    }

    public static final User ROOT = new User(0, 0, List.of(), "/root");

    public static User resolve(String spec, Path rootfs) {
        return resolve(spec, List.of(rootfs));
    }

    /** @param layers the root's layers, top-most first: the first that has a file decides */
    public static User resolve(String spec, List<Path> layers) {
        if (spec == null || spec.isEmpty()) return lookup("0", null, layers);
        String[] parts = spec.split(":", 2);
        return lookup(parts[0], parts.length > 1 ? parts[1] : null, layers);
    }

    private static User lookup(String user, String group, List<Path> rootfs) {
        List<String[]> passwd = readDb(rootfs, "etc/passwd");
        Integer uid = null, gid = null;
        String name = null, home = "/";
        for (String[] e : passwd) {
            if (e.length >= 6 && (e[0].equals(user) || e[2].equals(user))) {
                name = e[0];
                uid = Integer.parseInt(e[2]);
                gid = Integer.parseInt(e[3]);
                home = e[5];
                break;
            }
        }
        if (uid == null) {
            if (!isNumber(user)) throw new IllegalArgumentException("unknown user '" + user + "': not in the image's /etc/passwd");
            uid = Integer.parseInt(user);
            gid = 0;
            if (uid == 0) home = "/root";
        }
        List<String[]> groups = readDb(rootfs, "etc/group");
        if (group != null) {
            gid = null;
            for (String[] g : groups) if (g.length >= 3 && (g[0].equals(group) || g[2].equals(group))) gid = Integer.parseInt(g[2]);
            if (gid == null) {
                if (!isNumber(group)) throw new IllegalArgumentException("unknown group '" + group + "': not in the image's /etc/group");
                gid = Integer.parseInt(group);
            }
        }
        List<Integer> extra = new ArrayList<>();
        if (name != null) {
            for (String[] g : groups) {
                if (g.length >= 4 && List.of(g[3].split(",")).contains(name)) {
                    int id = Integer.parseInt(g[2]);
                    if (id != gid && !extra.contains(id)) extra.add(id);
                }
            }
        }
        return new User(uid, gid, extra, home);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 10;
    }

    /**
     * Reads a colon database of the root filesystem; a symlink there could point at the host's.
     * In a layered root the top-most layer that has the path decides (a whiteout, a character
     * device, hides it).
     */
    private static List<String[]> readDb(List<Path> layers, String rel) {
        List<String[]> out = new ArrayList<>();
        Path f = null;
        for (Path layer : layers) {
            Path candidate = layer.resolve(rel);
            if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                f = candidate;
                break;
            }
        }
        if (f == null || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(f.getParent())) return out;
        try {
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank() && !line.startsWith("#")) out.add(line.split(":", -1));
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }
}
