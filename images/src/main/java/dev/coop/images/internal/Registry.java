package dev.coop.images.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client for the OCI distribution API: GETs of manifests and blobs, anonymous or with
 * credentials, through the bearer-token handshake (a 401 names the realm to get a token from)
 * or basic auth when the registry asks for it.
 */
public final class Registry {
    public static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20)).build();
    private final String base;
    private final String repository;
    private final String credentials; // user:password or null
    private String authorization;

    /** @param insecure plain HTTP (loopback registries, or asked for) */
    public Registry(String host, String repository, boolean insecure, String credentials) {
        this.base = (insecure ? "http://" : "https://") + host + "/v2/";
        this.repository = repository;
        this.credentials = credentials;
    }

    public record Response(int status, Map<String, String> headers, InputStream body) {}

    public Response manifest(String reference) throws IOException {
        return get(base + repository + "/manifests/" + reference, ACCEPT);
    }

    public Response blob(String digest) throws IOException {
        return get(base + repository + "/blobs/" + digest, "*/*");
    }

    private Response get(String url, String accept) throws IOException {
        HttpResponse<InputStream> r = send(url, accept);
        if (r.statusCode() == 401) {
            r.body().close();
            authenticate(r.headers().firstValue("WWW-Authenticate").orElse(""));
            r = send(url, accept);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        return new Response(r.statusCode(), headers, r.body());
    }

    private HttpResponse<InputStream> send(String url, String accept) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).timeout(Duration.ofMinutes(30)).GET();
        if (authorization != null) b.header("Authorization", authorization);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Answers a 401: fetch a bearer token from the realm it names, or use basic credentials. */
    private void authenticate(String challenge) throws IOException {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            if (credentials == null) throw new IOException("the registry wants a user name and password: give --creds USER:PASSWORD");
            authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) throw new IOException("unsupported authentication challenge: " + challenge);
        Map<String, String> p = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) p.put(m.group(1), m.group(2));
        String realm = p.get("realm");
        if (realm == null) throw new IOException("bearer challenge without a realm: " + challenge);
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (p.containsKey("service")) url.append("service=").append(enc(p.get("service"))).append('&');
        url.append("scope=").append(enc(p.getOrDefault("scope", "repository:" + repository + ":pull")));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(60)).GET();
        if (credentials != null)
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() != 200) throw new IOException("the token service " + realm + " answered " + r.statusCode() + ": " + r.body());
        Matcher t = Pattern.compile("\"(?:token|access_token)\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        if (!t.find()) throw new IOException("the token service " + realm + " returned no token");
        authorization = "Bearer " + t.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
