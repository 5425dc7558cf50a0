package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coop.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importing images in every supported format and running them; hostile images are refused. */
class ImagesIT extends KernelTest {
    @TempDir
    Path tmp;

    @AfterEach
    void removeImages() {
        Coop.removeAllImages();
    }

    /** A busybox image made the way the issue asks: umoci, from Debian's busybox-static. */
    private Path umociBusybox() throws Exception {
        Path layout = tmp.resolve("oci");
        Path bundle = tmp.resolve("bundle");
        Coop.sh("umoci", "init", "--layout", layout.toString());
        Coop.sh("umoci", "new", "--image", layout + ":latest");
        Coop.sh("umoci", "unpack", "--image", layout + ":latest", bundle.toString());
        Coop.sh("rm", "-rf", bundle.resolve("rootfs").toString());
        Coop.sh("bash", Path.of("../scripts/build-rootfs.sh").toAbsolutePath().toString(), bundle.resolve("rootfs").toString());
        Coop.sh("umoci", "repack", "--image", layout + ":latest", bundle.toString());
        Coop.sh("umoci", "config", "--image", layout + ":latest", "--config.entrypoint", "/bin/sh", "--config.cmd", "-c",
                "--config.cmd", "echo cmd ran as $(id -u):$(id -g) in $(pwd) with $GREETING", "--config.env", "GREETING=hello",
                "--config.workingdir", "/tmp", "--config.user", "nobody");
        return layout;
    }

    @Test
    void umociImageRunsWithItsConfigAndOverrides() throws Exception {
        Path layout = umociBusybox();
        Coop.Result imp = Coop.run("images", "import", layout + ":latest", "--name", "bb:umoci");
        assertEquals(0, imp.code(), imp.toString());
        assertTrue(imp.out().trim().matches("sha256:[0-9a-f]{64}"), imp.toString());
        Coop.Result r = Coop.run("run", "--rm", "bb:umoci");
        assertEquals("cmd ran as 65534:65534 in /tmp with hello\n", r.out(), r.toString());
        Coop.Result o = Coop.run("run", "--rm", "-u", "0", "-w", "/", "-e", "GREETING=bye", "bb:umoci", "-c", "echo $(id -u) $(pwd) $GREETING");
        assertEquals("0 / bye\n", o.out(), o.toString());
        Coop.Result ep = Coop.run("run", "--rm", "--entrypoint", "echo", "bb:umoci", "replaced");
        assertEquals("replaced\n", ep.out(), ep.toString());
        Coop.Result ls = Coop.run("images", "ls");
        assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("bb:umoci") && l.contains(imp.out().trim().substring(7, 19))), ls.toString());
        Coop.Result inspect = Coop.run("images", "inspect", "--json", "bb:umoci");
        assertTrue(inspect.out().contains("\"user\" : \"nobody\""), inspect.toString());
    }

    @Test
    void dockerSaveAndOciArchiveFromSkopeo() throws Exception {
        Path layout = umociBusybox();
        Path docker = tmp.resolve("docker.tar"), archive = tmp.resolve("oci.tar");
        Coop.sh("skopeo", "copy", "--quiet", "oci:" + layout + ":latest", "docker-archive:" + docker + ":bb:docker");
        Coop.sh("skopeo", "copy", "--quiet", "oci:" + layout + ":latest", "oci-archive:" + archive + ":v1");
        Coop.Result d = Coop.run("images", "import", docker.toString());
        assertEquals(0, d.code(), d.toString());
        Coop.Result a = Coop.run("images", "import", archive.toString(), "--name", "bb:archive");
        assertEquals(0, a.code(), a.toString());
        assertEquals(d.out(), a.out(), "the same config, so the same image id");
        assertEquals("cmd ran as 65534:65534 in /tmp with hello\n", Coop.run("run", "--rm", "bb:docker").out());
        assertEquals("cmd ran as 65534:65534 in /tmp with hello\n", Coop.run("run", "--rm", "bb:archive").out());
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesHideLowerFiles() throws Exception {
        OciFixture.Layer base = OciFixture.busybox();
        OciFixture.Layer l1 = new OciFixture.Layer().dir("data").file("data/a", "A").file("data/b", "B")
                .dir("opq").file("opq/x", "X").file("keep", "K").compression(OciFixture.Compression.ZSTD);
        OciFixture.Layer l2 = new OciFixture.Layer().whiteout("data", "a").dir("opq").opaque("opq").file("opq/y", "Y")
                .file("keep", "K2").compression(OciFixture.Compression.NONE);
        Path layout = OciFixture.layout(tmp.resolve("wh"), "wh:1", List.of(base, l1, l2), "{\"Cmd\":[\"sh\"]}", OciFixture.Damage.NONE);
        Coop.Result imp = Coop.run("images", "import", layout.toString());
        assertEquals(0, imp.code(), imp.toString());
        Coop.Result r = Coop.run("run", "--rm", "wh:1", "sh", "-c", "ls /data; ls /opq; cat /keep; echo; rm /data/b; ls /data | wc -l");
        assertEquals("b\ny\nK2\n0\n", r.out(), r.toString());
        Coop.Result again = Coop.run("run", "--rm", "wh:1", "ls", "/data");
        assertEquals("b\n", again.out(), "a container's delete never reaches the shared layer");
    }

    @Test
    void unpackingKeepsWhatImagesRelyOn() throws Exception {
        byte[] cap = {0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        OciFixture.Layer l = new OciFixture.Layer().dir("bin").file("bin/suid", "#!/bin/sh\n", 0104755, 1000, 1001)
                .dir("shared").file("shared/tmpdir-marker", "").hardlink("bin/hard", "bin/suid").symlink("bin/soft", "/bin/suid")
                .charDevice("dev-null", 1, 3).fifo("pipe").fileWithXattr("bin/ping", "ping", "security.capability", cap);
        TarEntryMode.sticky(l, "shared");
        Path layout = OciFixture.layout(tmp.resolve("meta"), "meta:1", List.of(l), "{}", OciFixture.Damage.NONE);
        Coop.Result imp = Coop.run("images", "import", layout.toString());
        assertEquals(0, imp.code(), imp.toString());
        Path layer;
        try (Stream<Path> s = Files.list(Coop.STORE.resolve("layers/sha256"))) {
            layer = s.filter(p -> Files.exists(p.resolve("bin/suid"))).findFirst().orElseThrow();
        }
        assertEquals(04755, mode(layer.resolve("bin/suid")) & 07777, "setuid kept");
        assertEquals(1000, Files.getAttribute(layer.resolve("bin/suid"), "unix:uid"));
        assertEquals(1001, Files.getAttribute(layer.resolve("bin/suid"), "unix:gid"));
        assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(layer.resolve("bin/suid")).toMillis());
        assertEquals(01755, mode(layer.resolve("shared")) & 07777, "sticky kept");
        assertEquals(Files.getAttribute(layer.resolve("bin/suid"), "unix:ino"), Files.getAttribute(layer.resolve("bin/hard"), "unix:ino"));
        assertEquals(Path.of("/bin/suid"), Files.readSymbolicLink(layer.resolve("bin/soft")));
        assertEquals(0020000, mode(layer.resolve("dev-null")) & 0170000);
        assertEquals(0010000, mode(layer.resolve("pipe")) & 0170000);
        assertTrue(java.util.Arrays.equals(cap, Syscalls.linux().lgetxattr(layer.resolve("bin/ping").toString(), "security.capability")));
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aHundredAndTwentyEightLayers() throws Exception {
        List<OciFixture.Layer> layers = new ArrayList<>(List.of(OciFixture.busybox()));
        for (int i = 1; i < 128; i++) layers.add(new OciFixture.Layer().dir("f").file("f/" + i, Integer.toString(i)));
        Path layout = OciFixture.layout(tmp.resolve("deep"), "deep:1", layers, "{}", OciFixture.Damage.NONE);
        Coop.Result imp = Coop.run("images", "import", "-q", layout.toString());
        assertEquals(0, imp.code(), imp.toString());
        Coop.Result r = Coop.run("run", "--rm", "deep:1", "sh", "-c", "ls /f | wc -l; cat /f/127; echo");
        assertEquals("127\n127\n", r.out(), r.toString());
    }

    @Test
    void multiPlatformIndexPicksThisHostOrAsked() throws Exception {
        Path layout = OciFixture.multiPlatform(tmp.resolve("multi"), List.of("arm64", "amd64"),
                arch -> {
                    try {
                        return OciFixture.busybox().file("arch", arch + "\n");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        Coop.Result imp = Coop.run("images", "import", layout.toString(), "--name", "multi:1");
        assertEquals(0, imp.code(), imp.toString());
        assertEquals("amd64\n", Coop.run("run", "--rm", "multi:1").out());
        Coop.Result none = Coop.run("images", "import", layout.toString(), "--platform", "linux/s390x");
        assertNotEquals(0, none.code());
        assertTrue(none.err().contains("no image for linux/s390x") && none.err().contains("linux/arm64"), none.toString());
    }

    /** Everything under the store, so a refused import can be shown to have changed nothing. */
    private static Set<String> storeContents() throws IOException {
        Set<String> s = new TreeSet<>();
        if (!Files.isDirectory(Coop.STORE)) return s;
        try (Stream<Path> w = Files.walk(Coop.STORE)) {
            w.filter(p -> !p.startsWith(Coop.STORE.resolve("containers")) && !p.startsWith(Coop.STORE.resolve("tmp"))
                    && !p.getFileName().toString().equals("lock")).forEach(p -> s.add(Coop.STORE.relativize(p).toString()));
        }
        return s;
    }

    private void refused(String name, List<OciFixture.Layer> layers, OciFixture.Damage damage, String expected) throws Exception {
        Path layout = OciFixture.layout(tmp.resolve(name), name + ":1", layers, "{}", damage);
        Set<String> before = storeContents();
        Coop.Result r = Coop.run("images", "import", layout.toString());
        assertEquals(1, r.code(), name + ": " + r);
        assertTrue(r.err().contains(expected), name + ": expected '" + expected + "' in " + r.err());
        assertEquals(before, storeContents(), name + ": the store changed");
    }

    @Test
    void hostileArchivesAreRefusedNamingTheEntry() throws Exception {
        refused("dotdot", List.of(new OciFixture.Layer().file("../escaped", "x")), OciFixture.Damage.NONE, "'../escaped'");
        refused("absolute", List.of(new OciFixture.Layer().file("/etc/evil", "x")), OciFixture.Damage.NONE, "'/etc/evil': absolute path");
        refused("symlinkout", List.of(new OciFixture.Layer().symlink("out", "/etc").file("out/evil", "x")),
                OciFixture.Damage.NONE, "'out/evil': goes through the symlink 'out'");
        refused("relsymlink", List.of(new OciFixture.Layer().symlink("up", "../../../..").file("up/evil", "x")),
                OciFixture.Damage.NONE, "goes through the symlink 'up'");
        refused("hardlinkout", List.of(new OciFixture.Layer().hardlink("shadow", "../../../etc/shadow")),
                OciFixture.Damage.NONE, "'shadow'");
        refused("dirreplacesymlink", List.of(new OciFixture.Layer().symlink("d", "/etc").dir("d").file("d/passwd", "x")),
                OciFixture.Damage.NONE, "'d/': a directory would replace a symlink");
        assertFalse(Files.exists(Path.of("/escaped")) || Files.exists(Path.of("/etc/evil")), "nothing escaped");
    }

    @Test
    void corruptImagesAreRefusedAndChangeNothing() throws Exception {
        OciFixture.Layer l = new OciFixture.Layer().file("a", "a".repeat(5000));
        refused("mismatch", List.of(l), OciFixture.Damage.LAYER_DIGEST_MISMATCH, "but sha256:");
        refused("truncated", List.of(l), OciFixture.Damage.TRUNCATED_LAYER, "layer");
        refused("missing", List.of(l), OciFixture.Damage.MISSING_LAYER, "is missing");
        refused("diffid", List.of(l), OciFixture.Damage.WRONG_DIFF_ID, "diff_id");
        Coop.Result notImage = Coop.run("images", "import", tmp.toString());
        assertEquals(1, notImage.code());
        assertTrue(notImage.err().contains("is not an OCI image layout"), notImage.toString());
    }

    @Test
    void tagRemoveInUseAndPrune() throws Exception {
        Path layout = OciFixture.layout(tmp.resolve("t"), "t:1", List.of(OciFixture.busybox()), "{\"Cmd\":[\"sleep\",\"30\"]}",
                OciFixture.Damage.NONE);
        assertEquals(0, Coop.run("images", "import", "-q", layout.toString()).code());
        assertEquals(0, Coop.run("images", "tag", "t:1", "t:2").code());
        Coop.Result rm2 = Coop.run("images", "rm", "t:2");
        assertEquals("untagged t:2\n", rm2.out(), rm2.toString());
        String id = Coop.run("run", "-d", "t:1").out().trim();
        Coop.Result refused = Coop.run("images", "rm", "t:1");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("used by a container"), refused.toString());
        Coop.Result ps = Coop.run("ps");
        assertTrue(ps.out().contains("sleep 30"), ps.toString());
        assertEquals(0, Coop.run("rm", "-f", id).code());
        Coop.Result rm = Coop.run("images", "rm", "t:1");
        assertTrue(rm.out().startsWith("deleted sha256:"), rm.toString());
        Coop.Result prune = Coop.run("images", "prune");
        assertTrue(prune.out().startsWith("freed ") && !prune.out().startsWith("freed 0B"), prune.toString());
        try (Stream<Path> s = Files.list(Coop.STORE.resolve("layers/sha256"))) {
            assertEquals(0, s.count(), "no layer is left once nothing references it");
        }
    }

    @Test
    void commitTurnsAContainersChangesIntoALayer() throws Exception {
        OciFixture.Layer extra = new OciFixture.Layer().dir("data").file("data/old", "old\n").file("gone", "g\n");
        Path layout = OciFixture.layout(tmp.resolve("c"), "c:1", List.of(OciFixture.busybox(), extra), "{\"Cmd\":[\"sh\"]}",
                OciFixture.Damage.NONE);
        assertEquals(0, Coop.run("images", "import", "-q", layout.toString()).code());
        // a replaced directory becomes opaque in the upper layer; a deleted file a whiteout
        String id = Coop.run("run", "-d", "c:1", "sh", "-c", "rm -rf /data; mkdir /data; echo new > /data/new; rm /gone; "
                + "echo hi > /hello; chmod 4755 /hello").out().trim();
        assertEquals("0\n", Coop.run("wait", id).out());
        Coop.Result commit = Coop.run("commit", id, "c:2", "-m", "from a test");
        assertEquals(0, commit.code(), commit.toString());
        assertEquals(0, Coop.run("rm", id).code());
        Coop.Result r = Coop.run("run", "--rm", "c:2", "sh", "-c", "ls /data; ls /gone 2>/dev/null || echo no-gone; cat /hello; stat -c %a /hello");
        assertEquals("new\nno-gone\nhi\n4755\n", r.out(), r.toString());
        Coop.Result inspect = Coop.run("images", "inspect", "c:2");
        assertTrue(inspect.out().lines().filter(l -> l.matches("\\s+\\d+\\s+[0-9a-f]{12}.*")).count() == 3, inspect.toString());
        String rootfsId = Coop.run("run", "-d", "--rootfs", Coop.rootfs().toString(), "true").out().trim();
        Coop.run("wait", rootfsId);
        Coop.Result refused = Coop.run("commit", rootfsId, "x:1");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("only containers run from images can be committed"), refused.toString());
        assertEquals(0, Coop.run("rm", rootfsId).code());
    }

    @Test
    void unknownImage() {
        Coop.Result r = Coop.run("run", "--rm", "nosuchimage:1");
        assertEquals(125, r.code(), r.toString());
        assertTrue(r.err().contains("no such image: nosuchimage:1"), r.toString());
    }
}
