package dev.coop.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecTest {
    @TempDir
    Path rootfs;

    @Test
    void environmentHasDefaultsThatUserValuesReplace() {
        ContainerSpec spec = ContainerSpec.builder(rootfs, List.of("env")).env(List.of("PATH=/opt/bin", "A=1")).tty(true).build();
        List<String> env = StartContainer.environment(spec, User.ROOT, "box");
        assertEquals(List.of("HOSTNAME=box", "HOME=/root", "TERM=xterm", "PATH=/opt/bin", "A=1"), env);
    }

    @Test
    void invalidSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder(rootfs, List.of()).build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder(rootfs, List.of("x")).env(List.of("NOEQUALS")).build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder(rootfs, List.of("x")).workdir("rel").build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder(rootfs, List.of("x")).oomScoreAdj(1001).build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder(rootfs, List.of("x")).name("a/b").build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder(rootfs, List.of("x")).hostname("-bad").build());
    }

    @Test
    void usersResolveThroughTheRootfsDatabases() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nwww:x:33:\nlogs:x:4:www,other\n");
        assertEquals(new User(33, 33, List.of(4), "/var/www"), User.resolve("www", rootfs));
        assertEquals(new User(33, 4, List.of(), "/var/www"), User.resolve("33:logs", rootfs).withoutExtra());
        assertEquals(new User(1000, 0, List.of(), "/"), User.resolve("1000", rootfs));
        assertEquals(new User(1000, 5, List.of(), "/"), User.resolve("1000:5", rootfs));
        assertThrows(IllegalArgumentException.class, () -> User.resolve("nobody", rootfs));
        assertThrows(IllegalArgumentException.class, () -> User.resolve("www:nogroup", rootfs));
    }

    @Test
    void symlinkedPasswdIsNotFollowedToTheHost() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> User.resolve("root", rootfs), "host's passwd not read");
    }
}
