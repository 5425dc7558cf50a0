package dev.coop.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResourcesTest {
    @Test
    void sizesParseLikeDocker() {
        assertEquals(512, ByteSize.parse("512"));
        assertEquals(64L << 10, ByteSize.parse("64k"));
        assertEquals(256L << 20, ByteSize.parse("256m"));
        assertEquals(256L << 20, ByteSize.parse("256MiB"));
        assertEquals(3L << 29, ByteSize.parse("1.5g"));
        assertEquals(1L << 30, ByteSize.parse("1GB"));
        for (String bad : new String[] {"", "abc", "-5m", "12q", "1e9", "0x10"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
            assertTrue(e.getMessage().contains("invalid size"));
        }
    }

    @Test
    void formatsForPeople() {
        assertEquals("64MiB", ByteSize.format(64L << 20));
        assertEquals("1.5GiB", ByteSize.format(3L << 29));
        assertEquals("100B", ByteSize.format(100));
        assertEquals("max", ByteSize.format(-1));
    }

    @Test
    void memoryBelowWhatTheRuntimeNeedsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Resources.builder().memoryMax(1L << 20).build());
        assertTrue(e.getMessage().contains("below the minimum of 6MiB"), e.getMessage());
    }

    @Test
    void invalidCombinationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Resources.builder().memorySwap(64L << 20).build());
        assertThrows(IllegalArgumentException.class, () -> Resources.builder().memoryMax(64L << 20).memorySwap(32L << 20).build());
        assertThrows(IllegalArgumentException.class, () -> Resources.builder().cpus(0));
        assertThrows(IllegalArgumentException.class, () -> Resources.builder().cpus(0.001).build());
        assertThrows(IllegalArgumentException.class, () -> Resources.builder().cpuWeight(0).build());
        assertThrows(IllegalArgumentException.class, () -> Resources.builder().pidsMax(0L).build());
        assertThrows(IllegalArgumentException.class, () -> new IoLimit(8, 0, IoLimit.Kind.READ_BPS, 0));
    }
}
