package com.healthcare.kafka.connect.fhir.sink.write;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a record into the {@link Write} it asks for. The value is FHIR R4 JSON as a String, bytes, or a Map/Struct
 * (as JsonConverter gives it; written back as JSON without nulls). A tombstone with key Type/id is a DELETE.
 * Anything else (not JSON, not a FHIR resource, a message Bundle, a Bundle that is neither transaction nor batch)
 * is a {@link RejectedRecordException}.
 */
public final class WritePlanner {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final String conditionalMode;
    private final String identifierSystem;
    private final boolean deleteEnabled;

    /**
     * @param conditionalMode  none, create or update (for resources without an id)
     * @param identifierSystem the identifier system of conditional writes, or null for the first identifier
     */
    public WritePlanner(String conditionalMode, String identifierSystem, boolean deleteEnabled) {
        this.conditionalMode = conditionalMode;
        this.identifierSystem = identifierSystem;
        this.deleteEnabled = deleteEnabled;
    }

    public Write plan(SinkRecord record) {
        String lane = laneKey(record);
        if (record.value() == null) {
            return tombstone(record, lane);
        }
        byte[] body = jsonBytes(record.value());
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new RejectedRecordException("The record value is not JSON (" + firstLine(e.getMessage())
                    + "); the FHIR sink writes FHIR R4 JSON resources and Bundles", 0);
        }
        if (root == null || !root.isObject()) {
            throw new RejectedRecordException("The record value is not a JSON object; the FHIR sink writes FHIR R4 "
                    + "JSON resources and Bundles", 0);
        }
        String type = root.path("resourceType").asText("");
        if (!TYPE.matcher(type).matches()) {
            throw new RejectedRecordException("The record value has no valid resourceType; the FHIR sink writes "
                    + "FHIR R4 JSON resources and Bundles", 0);
        }
        if (type.equals("Bundle")) {
            String bundleType = root.path("type").asText("");
            if (!bundleType.equals("transaction") && !bundleType.equals("batch")) {
                throw new RejectedRecordException("A Bundle of type '" + bundleType + "' cannot be written: only "
                        + "transaction and batch Bundles are POSTed to the server (a message Bundle goes to a "
                        + "$process-message endpoint, which this sink does not call)", 0);
            }
            return new Write(Write.Kind.BUNDLE, lane, type, "", body, null);
        }
        String id = root.path("id").asText("");
        if (!id.isEmpty()) {
            if (!ID.matcher(id).matches()) {
                throw new RejectedRecordException(type + " has an invalid id (FHIR ids are 1 to 64 letters, digits, "
                        + "'-' and '.')", 0);
            }
            return new Write(Write.Kind.UPDATE, lane, type, type + "/" + id, body, null);
        }
        String identifier = conditionalMode.equals("none") ? null : identifierQuery(root.path("identifier"));
        if (identifier == null) {
            return new Write(Write.Kind.CREATE, lane, type, type, body, null);
        }
        if (conditionalMode.equals("create")) {
            return new Write(Write.Kind.CONDITIONAL_CREATE, lane, type, type, body, identifier);
        }
        return new Write(Write.Kind.CONDITIONAL_UPDATE, lane, type, type + "?" + identifier, body, null);
    }

    private Write tombstone(SinkRecord record, String lane) {
        String key = record.key() instanceof String s ? s.trim() : null;
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0 || !TYPE.matcher(key.substring(0, slash)).matches()
                || !ID.matcher(key.substring(slash + 1)).matches()) {
            throw new RejectedRecordException("A tombstone (null value) deletes the resource its key names, but "
                    + "the key is not a String 'Type/id' such as 'Patient/123'", 0);
        }
        if (!deleteEnabled) {
            return new Write(Write.Kind.SKIP, lane, key.substring(0, slash), key, null, null);
        }
        return new Write(Write.Kind.DELETE, lane, key.substring(0, slash), key, null, null);
    }

    /** identifier=system|value (URL-encoded) of the configured system, or of the first complete identifier. */
    private String identifierQuery(JsonNode identifiers) {
        if (!identifiers.isArray()) {
            return null;
        }
        for (JsonNode identifier : identifiers) {
            String system = identifier.path("system").asText("");
            String value = identifier.path("value").asText("");
            if (system.isEmpty() || value.isEmpty()) {
                continue;
            }
            if (identifierSystem == null || identifierSystem.equals(system)) {
                return "identifier=" + URLEncoder.encode(system + "|" + value, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The lane of a record: its key, so one key's records keep their order; without a key, its partition. */
    static String laneKey(SinkRecord record) {
        Object key = record.key();
        if (key == null) {
            return "partition:" + record.topic() + "-" + record.kafkaPartition();
        }
        if (key instanceof byte[] bytes) {
            return "bytes:" + Base64.getEncoder().encodeToString(bytes);
        }
        return "key:" + key;
    }

    /** The value as JSON bytes: a String or bytes as they are, a Map or Struct serialized (nulls left out). */
    static byte[] jsonBytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (value instanceof Map<?, ?> || value instanceof Struct) {
            try {
                return MAPPER.writeValueAsBytes(plain(value));
            } catch (IOException e) {
                throw new RejectedRecordException("The record value cannot be written as JSON: "
                        + firstLine(e.getMessage()), 0);
            }
        }
        throw new RejectedRecordException("The record value is a " + value.getClass().getSimpleName()
                + "; the FHIR sink takes FHIR JSON as a String, bytes, or a Map/Struct from JsonConverter", 0);
    }

    /** Struct and Map trees as plain Maps and Lists, without null members (FHIR JSON has no nulls). */
    private static Object plain(Object value) {
        if (value instanceof Struct struct) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Field field : struct.schema().fields()) {
                Object v = struct.get(field);
                if (v != null) {
                    map.put(field.name(), plain(v));
                }
            }
            return map;
        }
        if (value instanceof Map<?, ?> in) {
            Map<String, Object> map = new LinkedHashMap<>();
            in.forEach((k, v) -> {
                if (v != null) {
                    map.put(String.valueOf(k), plain(v));
                }
            });
            return map;
        }
        if (value instanceof Collection<?> list) {
            List<Object> result = new ArrayList<>(list.size());
            list.forEach(v -> result.add(plain(v)));
            return result;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        return value;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        // Jackson quotes the offending input: keep the position, drop the content (it may be PHI)
        int quote = line.indexOf('\'');
        return quote < 0 ? line : line.substring(0, quote).trim();
    }
}
