package com.healthcare.kafka.connect.transforms.fhir;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * One streaming pass over FHIR JSON text that finds the resource's type and id and, for a Bundle, where each
 * entry's resource starts and ends in the text. The extractor then cuts the chosen resource out verbatim (no
 * re-serialization: decimals such as 1.50 and the server's field order stay exactly as they were).
 */
public final class ResourceLocator {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** A resource inside the text: its type, id and character range. */
    public record Span(String resourceType, String id, int start, int end) {
        public String cut(String text) {
            return text.substring(start, end);
        }
    }

    /** The root resource and, when it is a Bundle, the resources of its entries (entries without one skipped). */
    public record Located(Span root, List<Span> entries) {
        public boolean isBundle() {
            return "Bundle".equals(root.resourceType());
        }
    }

    private ResourceLocator() {
    }

    /** @throws IOException when the text is not a JSON object */
    public static Located locate(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            int start = (int) p.currentTokenLocation().getCharOffset();
            String type = null;
            String id = null;
            List<Span> entries = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("resourceType".equals(field) && value == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if ("id".equals(field) && value == JsonToken.VALUE_STRING) {
                    id = p.getText();
                } else if ("entry".equals(field) && value == JsonToken.START_ARRAY) {
                    readEntries(p, entries);
                } else {
                    p.skipChildren();
                }
            }
            int end = (int) p.currentTokenLocation().getCharOffset() + 1;
            Span root = new Span(type, id, start, end);
            return new Located(root, "Bundle".equals(type) ? entries : List.of());
        }
    }

    private static void readEntries(JsonParser p, List<Span> entries) throws IOException {
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("resource".equals(field) && value == JsonToken.START_OBJECT) {
                    entries.add(readResource(p));
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static Span readResource(JsonParser p) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        String type = null;
        String id = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("resourceType".equals(field) && value == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if ("id".equals(field) && value == JsonToken.VALUE_STRING) {
                id = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return new Span(type, id, start, (int) p.currentTokenLocation().getCharOffset() + 1);
    }
}
