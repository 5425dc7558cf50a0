package dev.coop.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coop pull against Debian's docker-registry on loopback, and against a fake one for bearer auth. */
class PullIT extends KernelTest {
    @TempDir
    Path tmp;

    private Process registry;
    private int port;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void startRegistry() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/docker-registry")), "needs Debian's docker-registry package");
        port = freePort();
        Path cfg = tmp.resolve("registry.yml");
        Files.writeString(cfg, "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " + tmp.resolve("data")
                + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        registry = new ProcessBuilder("/usr/bin/docker-registry", "serve", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try {
                var c = (java.net.HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
                if (c.getResponseCode() == 200) return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("docker-registry did not start: " + Files.readString(tmp.resolve("registry.log")));
    }

    @AfterEach
    void stopRegistryAndRemoveImages() throws Exception {
        if (registry != null) {
            registry.destroy();
            registry.waitFor();
        }
        Coop.removeAllImages();
    }

    private Path busyboxLayout(String name) throws Exception {
        return OciFixture.layout(tmp.resolve(name), "v1", List.of(OciFixture.busybox(),
                new OciFixture.Layer().file("etc/motd", "pulled\n")), "{\"Cmd\":[\"cat\",\"/etc/motd\"]}", OciFixture.Damage.NONE);
    }

    @Test
    void pullByTagAndByDigestThenRun() throws Exception {
        Path layout = busyboxLayout("img");
        String ref = "127.0.0.1:" + port + "/coop/bb:v1";
        Coop.sh("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + ref);
        Coop.Result pull = Coop.run("pull", ref);
        assertEquals(0, pull.code(), pull.toString());
        assertEquals("pulled\n", Coop.run("run", "--rm", ref).out());
        Coop.Result inspect = Coop.run("images", "inspect", "--json", ref);
        String manifest = inspect.out().replaceAll("(?s).*\"manifest\" : \"(sha256:[0-9a-f]+)\".*", "$1");
        assertTrue(manifest.startsWith("sha256:"), inspect.toString());
        Coop.Result byDigest = Coop.run("pull", "127.0.0.1:" + port + "/coop/bb@" + manifest);
        assertEquals(0, byDigest.code(), byDigest.toString());
        assertEquals(pull.out(), byDigest.out(), "the same image");
        Coop.Result missing = Coop.run("pull", "127.0.0.1:" + port + "/coop/bb:nosuchtag");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no manifest nosuchtag"), missing.toString());
    }

    @Test
    void manifestListPicksThisPlatform() throws Exception {
        Path layout = OciFixture.multiPlatform(tmp.resolve("multi"), List.of("arm64", "amd64"), arch -> {
            try {
                return OciFixture.busybox().file("arch", arch + "\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String ref = "127.0.0.1:" + port + "/coop/multi:1";
        // skopeo pushes the whole index with --all; give the layout a ref name to address it
        String index = Files.readString(layout.resolve("index.json"));
        wrapIndex(layout, index);
        Coop.sh("skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false", "oci:" + layout + ":multi", "docker://" + ref);
        Coop.Result pull = Coop.run("pull", ref);
        assertEquals(0, pull.code(), pull.toString());
        assertEquals("amd64\n", Coop.run("run", "--rm", ref).out());
    }

    /** Puts the platform manifests behind one index blob named "multi", as a pushed manifest list. */
    private static void wrapIndex(Path layout, String index) throws IOException {
        byte[] inner = index.getBytes(StandardCharsets.UTF_8);
        String hex = OciFixture.sha256(inner);
        Files.write(layout.resolve("blobs/sha256/" + hex), inner);
        String outer = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:"
                + hex + "\",\"size\":" + inner.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"multi\"}}]}";
        Files.writeString(layout.resolve("index.json"), outer);
    }

    /**
     * A registry that wants a bearer token from its realm (which wants basic credentials), serving
     * an OCI layout; it can also cut a layer off half-way.
     */
    private HttpServer fakeRegistry(Path layout, String manifestHex, AtomicInteger cutLayers) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int p = s.getAddress().getPort();
        s.createContext("/token", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:secret".getBytes());
            if (!expected.equals(auth) || !ex.getRequestURI().getRawQuery().contains("scope=repository%3Acoop%2Fsecret%3Apull")) {
                reply(ex, 401, "{}".getBytes(), null);
            } else {
                reply(ex, 200, "{\"token\":\"t0k3n\"}".getBytes(), null);
            }
        });
        s.createContext("/v2/", ex -> {
            if (!"Bearer t0k3n".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate",
                        "Bearer realm=\"http://127.0.0.1:" + p + "/token\",service=\"fake\",scope=\"repository:coop/secret:pull\"");
                reply(ex, 401, "{}".getBytes(), null);
                return;
            }
            String path = ex.getRequestURI().getPath();
            String digest = path.substring(path.lastIndexOf('/') + 1);
            String hex = digest.equals("v1") ? manifestHex : digest.replace("sha256:", "");
            Path blob = layout.resolve("blobs/sha256/" + hex);
            if (!Files.exists(blob)) {
                reply(ex, 404, "{}".getBytes(), null);
                return;
            }
            byte[] b = Files.readAllBytes(blob);
            boolean isLayer = path.contains("/blobs/") && b.length > 10000;
            if (isLayer && cutLayers.getAndDecrement() > 0) {
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b, 0, b.length / 2);
                ex.close(); // the connection drops mid-layer
                return;
            }
            reply(ex, 200, b, path.contains("/manifests/") ? "application/vnd.oci.image.manifest.v1+json" : null);
        });
        s.start();
        return s;
    }

    private static void reply(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        if (type != null) ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    @Test
    void bearerTokenAuthAndAnInterruptedPull() throws Exception {
        Path layout = busyboxLayout("secret");
        String index = Files.readString(layout.resolve("index.json"));
        String manifestHex = index.replaceAll("(?s).*\"digest\":\"sha256:([0-9a-f]{64})\".*", "$1");
        AtomicInteger cut = new AtomicInteger(1);
        HttpServer fake = fakeRegistry(layout, manifestHex, cut);
        try {
            String ref = "127.0.0.1:" + fake.getAddress().getPort() + "/coop/secret:v1";
            Coop.Result anonymous = Coop.run("pull", "-q", ref);
            assertEquals(1, anonymous.code(), anonymous.toString());
            assertTrue(anonymous.err().contains("token service"), anonymous.toString());
            Coop.Result interrupted = Coop.run("pull", "-q", "--creds", "alice:secret", ref);
            assertEquals(1, interrupted.code(), "the first layer download is cut short: " + interrupted);
            assertTrue(!interrupted.err().contains("token"), "it got past authentication: " + interrupted);
            assertEquals(0, Coop.run("images", "ls", "--json").out().split("\"id\"").length - 1, "nothing was recorded");
            Coop.Result again = Coop.run("pull", "-q", "--creds", "alice:secret", ref);
            assertEquals(0, again.code(), "re-running the pull completes it: " + again);
            assertEquals("pulled\n", Coop.run("run", "--rm", ref).out());
        } finally {
            fake.stop(0);
        }
    }
}
