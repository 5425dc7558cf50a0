package dev.coop.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A pretty JSON writer on standard output, for --json. */
final class Json {
    private Json() {}

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static void print(Body body) {
        try {
            JsonGenerator g = new JsonFactory().createGenerator(System.out);
            g.useDefaultPrettyPrinter();
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            body.write(g);
            g.flush();
            System.out.println();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
