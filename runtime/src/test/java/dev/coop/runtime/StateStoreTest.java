package dev.coop.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path tmp;

    private ContainerRecord record(ContainerId id, String name) {
        return new ContainerRecord(id, name, 1234, "busybox:latest", "sha256:" + "a".repeat(64),
                List.of("sh", "-c", "echo \"hi\""), "box", 64L << 20, true, false, 42, "SIGQUIT");
    }

    @Test
    void recordRoundTrips() throws Exception {
        StateStore s = new StateStore(tmp);
        ContainerId id = ContainerId.random();
        s.reserve(id, "web");
        s.write(record(id, "web"));
        assertEquals(record(id, "web"), s.read(id));
        assertFalse(Files.exists(s.dir(id).resolve("state.json.tmp")), "no temp file left");
    }

    @Test
    void idsAndNamesAreClaimedOnce() throws Exception {
        StateStore s = new StateStore(tmp);
        ContainerId a = ContainerId.random();
        s.reserve(a, "web");
        assertThrows(ContainerException.Exists.class, () -> s.reserve(a, null));
        ContainerId b = ContainerId.random();
        ContainerException e = assertThrows(ContainerException.Exists.class, () -> s.reserve(b, "web"));
        assertTrue(e.getMessage().contains("'web'"), e.getMessage());
        assertFalse(Files.exists(s.dir(b)), "the losing id is released");
    }

    @Test
    void resolvesIdNameAndUniquePrefix() throws Exception {
        StateStore s = new StateStore(tmp);
        ContainerId a = new ContainerId("abc123"), b = new ContainerId("abd456");
        s.reserve(a, "first");
        s.reserve(b, null);
        assertEquals(a, s.resolve("abc123"));
        assertEquals(a, s.resolve("first"));
        assertEquals(b, s.resolve("abd"));
        assertThrows(ContainerException.class, () -> s.resolve("ab"), "ambiguous");
        assertThrows(ContainerException.NotFound.class, () -> s.resolve("zzz"));
        assertThrows(ContainerException.NotFound.class, () -> s.resolve("../etc"));
    }

    @Test
    void removeDropsStateAndName() throws Exception {
        StateStore s = new StateStore(tmp);
        ContainerId a = ContainerId.random();
        s.reserve(a, "gone");
        s.remove(a, "gone");
        assertThrows(ContainerException.NotFound.class, () -> s.resolve("gone"));
        s.reserve(ContainerId.random(), "gone"); // the name is free again
    }

    @Test
    void corruptStateSaysHowToRecover() throws Exception {
        StateStore s = new StateStore(tmp);
        ContainerId a = ContainerId.random();
        s.reserve(a, null);
        Files.writeString(s.dir(a).resolve("state.json"), "{\"id\": tru");
        ContainerException e = assertThrows(ContainerException.class, () -> s.read(a));
        assertTrue(e.getMessage().contains("coop rm -f"), e.getMessage());
    }

    @Test
    void monitorFilesAreReadWhenPresent() throws Exception {
        StateStore s = new StateStore(tmp);
        ContainerId a = ContainerId.random();
        s.reserve(a, null);
        assertNull(s.readPids(a));
        assertNull(s.readExit(a));
        Files.writeString(s.pidFile(a), "123 122\n");
        Files.writeString(s.exitFile(a), "{\"status\":0,\"exitCode\":127,\"finishedAt\":5,\"error\":\"executable file not found in rootfs: x\"}\n");
        assertEquals(123, s.readPids(a)[0]);
        assertEquals(122, s.readPids(a)[1]);
        ExitRecord r = s.readExit(a);
        assertEquals(127, r.exitCode());
        assertTrue(r.startFailed());
    }

    @Test
    void idsAreValidatedLikeRuncs() {
        assertEquals(64, ContainerId.random().value().length());
        for (String bad : new String[] {"", ".", "..", "a/b", "a b", "é"}) {
            assertThrows(IllegalArgumentException.class, () -> new ContainerId(bad), bad);
        }
        assertEquals("abcdef012345", new ContainerId("abcdef0123456789").shortId());
    }
}
