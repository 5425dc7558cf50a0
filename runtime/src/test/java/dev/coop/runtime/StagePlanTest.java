package dev.coop.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coop.runtime.internal.RootfsPlanner;
import dev.coop.runtime.internal.StagePlan;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StagePlanTest {
    @Test
    void encodesLengthThenNulTerminatedPairs() {
        byte[] b = new StagePlan().put("arg", "echo").put("arg", "a b").op("mknod", "/dev/null", "20666", "1", "3").encode();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        int len = buf.getInt();
        assertEquals(b.length - 4, len);
        String body = new String(b, 4, len, StandardCharsets.UTF_8);
        assertEquals("arg\0echo\0arg\0a b\0mknod\0/dev/null\u001f20666\u001f1\u001f3\0", body);
    }

    @Test
    void refusesBytesThatWouldCorruptTheWireFormat() {
        assertThrows(IllegalArgumentException.class, () -> new StagePlan().put("arg", "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> new StagePlan().op("mount", "a\u001fb", "x"));
    }

    @Test
    void rootIsMountedBeforeWhatLivesInItAndMasksComeLast() {
        StagePlan p = new StagePlan();
        RootfsPlanner.plan(p, Path.of("/run/coop/x/rootfs"), "lowerdir=/l,upperdir=/u,workdir=/w", false, List.of("memory"));
        List<String> mounts = p.values("mount");
        assertTrue(mounts.get(0).startsWith("overlay\u001f/run/coop/x/rootfs\u001foverlay"), mounts.get(0));
        assertTrue(mounts.get(1).contains("/run/coop/x/rootfs/proc\u001fproc"));
        int sys = indexOf(mounts, "/rootfs/sys\u001fsysfs");
        int cg = indexOf(mounts, "/rootfs/sys/fs/cgroup/memory\u001fcgroup");
        int dev = indexOf(mounts, "/rootfs/dev\u001ftmpfs");
        int pts = indexOf(mounts, "/rootfs/dev/pts\u001fdevpts");
        assertTrue(sys < cg && cg < dev && dev < pts, mounts.toString());
        assertTrue(p.values("mask").contains("/run/coop/x/rootfs/proc/kcore"));
        assertTrue(p.values("ro").contains("/run/coop/x/rootfs/proc/sys"));
        long rdonly = Long.parseLong(mounts.get(2).split("\u001f")[3]) & 1;
        assertEquals(1, rdonly, "/sys is read-only");
        List<String> keys = p.items().stream().map(i -> i[0]).toList();
        assertTrue(keys.lastIndexOf("mount") < keys.indexOf("mask"), "masks after every mount");
    }

    @Test
    void privilegedHasWritableSysAndNoMasks() {
        StagePlan p = new StagePlan();
        RootfsPlanner.plan(p, Path.of("/r"), "lowerdir=/l,upperdir=/u,workdir=/w", true, List.of());
        assertTrue(p.values("mask").isEmpty());
        assertTrue(p.values("ro").isEmpty());
        assertEquals(0, Long.parseLong(p.values("mount").get(2).split("\u001f")[3]) & 1);
        assertTrue(p.values("mount").stream().anyMatch(m -> m.startsWith("cgroup2\u001f/r/sys/fs/cgroup")), "v2 host: one cgroup2 mount");
    }

    private static int indexOf(List<String> mounts, String part) {
        for (int i = 0; i < mounts.size(); i++) if (mounts.get(i).contains(part)) return i;
        throw new AssertionError(part + " not in " + mounts);
    }

    @Test
    void capabilityNamesMapToKernelNumbers() {
        assertEquals(0, Capabilities.number("CAP_CHOWN"));
        assertEquals(21, Capabilities.number("sys_admin"));
        assertEquals("0,1,3,4,5,6,7,8,10,13,18,27,29,31", Capabilities.numbers(Capabilities.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> Capabilities.number("CAP_NOPE"));
        assertArrayEquals(new String[] {"CAP_CHOWN"}, new String[] {Capabilities.name(0)});
    }
}
