package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The launcher the build made: its class-data archive must be current, or start-up silently slows. */
class LauncherIT {
    @Test
    void classDataArchiveIsValidForThisBuild() throws Exception {
        Path jsa = Coop.LAUNCHER.getParent().resolve("../lib/coop.jsa").normalize();
        assertTrue(Files.exists(jsa), "the build makes " + jsa);
        // -Xshare:on makes the JVM fail instead of silently ignoring a stale or mismatched archive.
        ProcessBuilder pb = new ProcessBuilder(Coop.LAUNCHER.toString(), "--version");
        pb.environment().put("COOP_JAVA_OPTS", "-Xshare:on");
        Coop.Result r = Coop.finish(pb.start(), null, 30);
        assertEquals(0, r.code(), r.toString());
        assertEquals("coop 0.1.0\n", r.out());
    }

    @Test
    void helpListsEveryCommand() throws IOException {
        Coop.Result r = Coop.finish(new ProcessBuilder(Coop.LAUNCHER.toString(), "--help").start(), null, 30);
        for (String cmd : new String[] {"run", "ps", "logs", "stop", "kill", "rm", "wait", "stats", "info", "bench"}) {
            assertTrue(r.out().contains("  " + cmd + " "), cmd + " missing from help:\n" + r.out());
        }
        assertTrue(!r.out().contains("__cds-train"), "the training command is hidden");
    }
}
