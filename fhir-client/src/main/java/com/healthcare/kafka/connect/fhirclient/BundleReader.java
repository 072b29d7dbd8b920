package com.healthcare.kafka.connect.fhirclient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads a FHIR JSON Bundle (or a single resource) in one streaming pass, without building an object model: for
 * each entry it notes the resource's type, id, versionId and lastUpdated plus the byte range of the resource in
 * the body, so the record value is the server's own JSON, byte for byte, cut out with one copy. This is what
 * makes the connector cheaper per resource than a client that parses into HAPI model objects.
 */
public final class BundleReader {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private BundleReader() {
    }

    /** The facts of one resource plus where it sits in the body. */
    public record ResourceInfo(String resourceType, String id, String versionId, String lastUpdated, int start,
                               int end) {
    }

    /**
     * One Bundle.entry: its resource (null for a deleted history entry), request method and URL (history), search
     * mode (null, "match", "include" or "outcome") and response fields.
     */
    public record Entry(ResourceInfo resource, String fullUrl, String requestMethod, String requestUrl,
                        String searchMode, String responseEtag, String responseLastModified) {
    }

    /** A parsed page: the body it came from, its type, the next link, meta.lastUpdated and the entries. */
    public record Page(byte[] body, String resourceType, String nextUrl, String lastUpdated, List<Entry> entries) {

        /** The resource JSON of an entry, exactly as the server sent it. */
        public String json(ResourceInfo resource) {
            return new String(body, resource.start(), resource.end() - resource.start(), StandardCharsets.UTF_8);
        }
    }

    /** Reads a Bundle; a body that is another resource (e.g. OperationOutcome) is an error. */
    public static Page readBundle(byte[] body, String from) {
        Page page = read(body, from);
        if (!"Bundle".equals(page.resourceType())) {
            throw new FhirException(from + " answered with " + (page.resourceType() == null ? "JSON without a "
                    + "resourceType" : "a " + page.resourceType()) + " where a Bundle was expected"
                    + ("OperationOutcome".equals(page.resourceType()) ? ": " + OperationOutcomes.summarize(body) : ""),
                    200, false);
        }
        return page;
    }

    /** Reads any resource; for a Bundle the entries are filled, otherwise the single resource is the only entry. */
    public static Page read(byte[] body, String from) {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            return readRoot(p, body);
        } catch (IOException e) {
            throw new FhirException(from + " answered with JSON that cannot be read: " + e.getMessage(), 200, false,
                    e);
        }
    }

    private static Page readRoot(JsonParser p, byte[] body) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        ResourceFacts facts = new ResourceFacts();
        String next = null;
        List<Entry> entries = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (facts.read(p, field, value)) {
                continue;
            }
            switch (field) {
                case "link" -> next = readNextLink(p, value, next);
                case "entry" -> readEntries(p, value, entries);
                default -> p.skipChildren();
            }
        }
        int end = (int) p.currentTokenLocation().getByteOffset() + 1;
        if (!"Bundle".equals(facts.resourceType)) {
            entries.clear();
            entries.add(new Entry(facts.info(start, end), null, null, null, null, null, null));
        }
        return new Page(body, facts.resourceType, next, facts.lastUpdated, entries);
    }

    /** A resource's type, id and meta, noted while its fields stream past (of the root or of an entry). */
    private static final class ResourceFacts {
        String resourceType;
        String id;
        String versionId;
        String lastUpdated;

        /** Notes {@code field} if it is one of these facts (reading its value); false for any other field. */
        boolean read(JsonParser p, String field, JsonToken value) throws IOException {
            switch (field) {
                case "resourceType" -> resourceType = p.getValueAsString();
                case "id" -> id = p.getValueAsString();
                case "meta" -> {
                    Fields meta = readFields(p, value, "versionId", "lastUpdated");
                    versionId = meta.first();
                    lastUpdated = meta.second();
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        ResourceInfo info(int start, int end) {
            return new ResourceInfo(resourceType, id, versionId, lastUpdated, start, end);
        }
    }

    /** The values of two named string fields of a JSON object (null when absent). */
    private record Fields(String first, String second) {
    }

    private static String readNextLink(JsonParser p, JsonToken value, String current) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return current;
        }
        String next = current;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String relation = null;
            String url = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("relation".equals(field)) {
                    relation = p.getValueAsString();
                } else if ("url".equals(field)) {
                    url = p.getValueAsString();
                } else {
                    p.skipChildren();
                }
            }
            if ("next".equals(relation) && url != null && !url.isBlank()) {
                next = url;
            }
        }
        return next;
    }

    private static void readEntries(JsonParser p, JsonToken value, List<Entry> entries) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            ResourceInfo resource = null;
            String fullUrl = null;
            String method = null;
            String requestUrl = null;
            String mode = null;
            String etag = null;
            String lastModified = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "fullUrl" -> fullUrl = p.getValueAsString();
                    case "resource" -> resource = v == JsonToken.START_OBJECT ? readResource(p) : skip(p);
                    case "search" -> mode = readFields(p, v, "mode", null).first();
                    case "request" -> {
                        Fields r = readFields(p, v, "method", "url");
                        method = r.first();
                        requestUrl = r.second();
                    }
                    case "response" -> {
                        Fields r = readFields(p, v, "etag", "lastModified");
                        etag = r.first();
                        lastModified = r.second();
                    }
                    default -> p.skipChildren();
                }
            }
            entries.add(new Entry(resource, fullUrl, method, requestUrl, mode, etag, lastModified));
        }
    }

    private static ResourceInfo skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static ResourceInfo readResource(JsonParser p) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        ResourceFacts facts = new ResourceFacts();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!facts.read(p, field, value)) {
                p.skipChildren();
            }
        }
        int end = (int) p.currentTokenLocation().getByteOffset() + 1;
        return facts.info(start, end);
    }

    private static Fields readFields(JsonParser p, JsonToken value, String first, String second)
            throws IOException {
        String a = null;
        String b = null;
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new Fields(null, null);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals(first)) {
                a = p.getValueAsString();
            } else if (field.equals(second)) {
                b = p.getValueAsString();
            } else {
                p.skipChildren();
            }
        }
        return new Fields(a, b);
    }
}
