package dev.coop.it;

/** Sets modes the fixture's helpers do not take directly. */
final class TarEntryMode {
    private TarEntryMode() {}

    static void sticky(OciFixture.Layer l, String dir) {
        for (var e : l.entries) if (e.getName().equals(dir + "/")) e.setMode(041755);
    }
}
