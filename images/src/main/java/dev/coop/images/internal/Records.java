package dev.coop.images.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.coop.images.Descriptor;
import dev.coop.images.Digest;
import dev.coop.images.Image;
import dev.coop.images.ImageConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * coop's own store records (an image, the name table), read and written with the streaming
 * JSON API: `coop run IMAGE` reads one on its start path, where an ObjectMapper costs ~40 ms.
 */
public final class Records {
    private static final JsonFactory JSON = new JsonFactory();

    private Records() {}

    public static byte[] image(Image i) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("id", i.id().toString());
            if (i.manifest() != null) g.writeStringField("manifest", i.manifest().toString());
            strings(g, "names", i.names());
            g.writeNumberField("imported", i.importedMillis());
            ImageConfig c = i.config();
            g.writeObjectFieldStart("config");
            strings(g, "entrypoint", c.entrypoint());
            strings(g, "cmd", c.cmd());
            strings(g, "env", c.env());
            g.writeStringField("workingDir", c.workingDir());
            g.writeStringField("user", c.user());
            g.writeStringField("stopSignal", c.stopSignal());
            g.writeStringField("os", c.os());
            g.writeStringField("architecture", c.architecture());
            g.writeStringField("created", c.created());
            strings(g, "diffIds", c.diffIds().stream().map(Digest::toString).toList());
            g.writeEndObject();
            g.writeArrayFieldStart("layers");
            for (Descriptor d : i.layers()) {
                g.writeStartObject();
                g.writeStringField("mediaType", d.mediaType());
                g.writeStringField("digest", d.digest().toString());
                g.writeNumberField("size", d.size());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    public static Image image(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            Digest id = null, manifest = null;
            List<String> names = List.of();
            long imported = 0;
            ImageConfig config = null;
            List<Descriptor> layers = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.getCurrentName();
                p.nextToken();
                switch (f) {
                    case "id" -> id = Digest.parse(p.getText());
                    case "manifest" -> manifest = Digest.parse(p.getText());
                    case "names" -> names = strings(p);
                    case "imported" -> imported = p.getLongValue();
                    case "config" -> config = config(p);
                    case "layers" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            String mt = null, dg = null;
                            long size = -1;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String k = p.getCurrentName();
                                p.nextToken();
                                switch (k) {
                                    case "mediaType" -> mt = p.getText();
                                    case "digest" -> dg = p.getText();
                                    case "size" -> size = p.getLongValue();
                                    default -> p.skipChildren();
                                }
                            }
                            layers.add(new Descriptor(mt, Digest.parse(dg), size));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (id == null || config == null) throw new IOException("image record without id or config");
            return new Image(id, manifest, names, config, layers, imported);
        }
    }

    private static ImageConfig config(JsonParser p) throws IOException {
        List<String> entrypoint = List.of(), cmd = List.of(), env = List.of();
        List<Digest> diffIds = new ArrayList<>();
        String wd = "", user = "", stop = "", os = "", arch = "", created = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.getCurrentName();
            p.nextToken();
            switch (f) {
                case "entrypoint" -> entrypoint = strings(p);
                case "cmd" -> cmd = strings(p);
                case "env" -> env = strings(p);
                case "workingDir" -> wd = p.getText();
                case "user" -> user = p.getText();
                case "stopSignal" -> stop = p.getText();
                case "os" -> os = p.getText();
                case "architecture" -> arch = p.getText();
                case "created" -> created = p.getText();
                case "diffIds" -> strings(p).forEach(s -> diffIds.add(Digest.parse(s)));
                default -> p.skipChildren();
            }
        }
        return new ImageConfig(entrypoint, cmd, env, wd, user, stop, diffIds, os, arch, created);
    }

    public static byte[] refs(Map<String, Digest> refs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            for (var e : refs.entrySet()) g.writeStringField(e.getKey(), e.getValue().toString());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    public static Map<String, Digest> refs(byte[] json) throws IOException {
        Map<String, Digest> refs = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.getCurrentName();
                p.nextToken();
                refs.put(k, Digest.parse(p.getText()));
            }
        }
        return refs;
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) g.writeString(v);
        g.writeEndArray();
    }

    private static List<String> strings(JsonParser p) throws IOException {
        List<String> out = new ArrayList<>();
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return out;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) out.add(p.getText());
        return out;
    }

    private static void expect(JsonToken got, JsonToken want) throws IOException {
        if (got != want) throw new IOException("expected " + want + ", found " + got);
    }
}
