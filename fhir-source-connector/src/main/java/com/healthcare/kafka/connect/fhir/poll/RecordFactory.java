package com.healthcare.kafka.connect.fhir.poll;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds the records: key {@code Type/id} (string), value the resource JSON exactly as the server sent it (an
 * optional string; null for a delete), topic {@code topic.prefix + Type}, timestamp {@code meta.lastUpdated}, and
 * headers {@code fhir.resource.type}, {@code fhir.version.id}, {@code fhir.last.updated}, {@code content-type}
 * and {@code fhir.source} (poll, subscription or history).
 */
public final class RecordFactory {

    public static final String HEADER_TYPE = "fhir.resource.type";
    public static final String HEADER_VERSION = "fhir.version.id";
    public static final String HEADER_LAST_UPDATED = "fhir.last.updated";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String HEADER_SOURCE = "fhir.source";
    public static final String FHIR_JSON = "application/fhir+json";

    public static final String HEADER_ERROR_REASON = "fhir.error.reason";
    public static final String HEADER_ERROR_SIZE = "fhir.error.size";
    public static final String HEADER_ERROR_URL = "fhir.error.url";
    /** Default record size limit: below Kafka's default max.request.size (1 MiB) and message.max.bytes. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;
    /** Error records cut every server-provided string to this length, so they stay small whatever the server sends. */
    static final int MAX_ERROR_FIELD = 256;

    public static final String PARTITION_URL = "fhir.url";
    public static final String PARTITION_TYPE = "resourceType";

    private final String topicPrefix;
    private final String baseUrl;
    private final String errorTopic;
    private final long maxRecordBytes;

    public RecordFactory(String topicPrefix, String baseUrl) {
        this(topicPrefix, baseUrl, topicPrefix + "errors", DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * @param errorTopic     where resources too large for Kafka are reported
     * @param maxRecordBytes the largest record emitted, counted as stored (see {@link RecordSize})
     */
    public RecordFactory(String topicPrefix, String baseUrl, String errorTopic, long maxRecordBytes) {
        this.topicPrefix = topicPrefix;
        this.baseUrl = baseUrl;
        this.errorTopic = errorTopic;
        this.maxRecordBytes = maxRecordBytes;
    }

    public String errorTopic() {
        return errorTopic;
    }

    /**
     * The source partition of a type. It includes the base URL: offsets of one server mean nothing on another, so
     * pointing the connector at a different server starts from the beginning rather than skipping.
     */
    public Map<String, Object> partition(String type) {
        // A HashMap, not Map.of: the worker stores the partition as JSON in map iteration order and looks it up
        // by those bytes, also after a round trip through its own (HashMap) deserialization, e.g. for
        // GET /connectors/{name}/offsets. Map.of iterates in a per-JVM random order, so a restarted worker
        // could miss the offsets and start over.
        Map<String, Object> partition = new HashMap<>(4);
        partition.put(PARTITION_URL, baseUrl);
        partition.put(PARTITION_TYPE, type);
        return partition;
    }

    public String topic(String type) {
        return topicPrefix + type;
    }

    public SourceRecord resource(String type, String id, String versionId, String lastUpdatedText,
                                 Instant lastUpdated, String json, Map<String, ?> offset, String source) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(HEADER_TYPE, type);
        if (versionId != null) {
            headers.addString(HEADER_VERSION, versionId);
        }
        if (lastUpdatedText != null) {
            headers.addString(HEADER_LAST_UPDATED, lastUpdatedText);
        }
        headers.addString(HEADER_CONTENT_TYPE, FHIR_JSON);
        headers.addString(HEADER_SOURCE, source);
        return new SourceRecord(partition(type), offset, topic(type), null, Schema.STRING_SCHEMA, type + "/" + id,
                Schema.OPTIONAL_STRING_SCHEMA, json, lastUpdated == null ? null : lastUpdated.toEpochMilli(),
                headers);
    }

    public SourceRecord tombstone(String type, String id, String versionId, String deletedAtText, Instant deletedAt,
                                  Map<String, ?> offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(HEADER_TYPE, type);
        if (versionId != null) {
            headers.addString(HEADER_VERSION, versionId);
        }
        if (deletedAtText != null) {
            headers.addString(HEADER_LAST_UPDATED, deletedAtText);
        }
        headers.addString(HEADER_SOURCE, "history");
        // No value schema: JsonConverter writes a null value WITH a schema as an envelope or "null", not as a
        // tombstone, so compaction would never drop the resource. Null schema and value are null bytes everywhere.
        return new SourceRecord(partition(type), offset, topic(type), null, Schema.STRING_SCHEMA, type + "/" + id,
                null, null, deletedAt == null ? null : deletedAt.toEpochMilli(), headers);
    }

    /**
     * The record itself when its stored size is within the limit, else a small record in the error topic naming the
     * resource (type, id, version, lastUpdated, size, limit, reason, URL) that carries the same source offset, so
     * the stream moves past the resource instead of failing the task on it again and again (a producer's
     * RecordTooLargeException fails the task, and polling would find the resource again after every restart).
     */
    public SourceRecord bounded(SourceRecord record) {
        long size = RecordSize.stored(record);
        if (size <= maxRecordBytes) {
            return record;
        }
        String type = header(record, HEADER_TYPE);
        String key = String.valueOf(record.key());
        String id = key.startsWith(type + "/") ? key.substring(type.length() + 1) : key;
        String version = header(record, HEADER_VERSION);
        String lastUpdated = header(record, HEADER_LAST_UPDATED);
        String url = baseUrl + "/" + type + "/" + id + (version == null ? "" : "/_history/" + version);
        String reason = "The " + type + " resource is " + size + " bytes as stored (after the converter's "
                + "escaping), over the " + maxRecordBytes + " bytes of fhir.record.max.bytes";
        StringBuilder json = new StringBuilder(512).append('{');
        field(json, "resourceType", type).append(',');
        field(json, "id", id).append(',');
        if (version != null) {
            field(json, "versionId", version).append(',');
        }
        if (lastUpdated != null) {
            field(json, "lastUpdated", lastUpdated).append(',');
        }
        json.append("\"size\":").append(size).append(",\"limit\":").append(maxRecordBytes).append(',');
        field(json, "reason", reason).append(',');
        field(json, "url", url).append(',');
        field(json, "source", header(record, HEADER_SOURCE)).append('}');
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(HEADER_TYPE, cut(type));
        if (version != null) {
            headers.addString(HEADER_VERSION, cut(version));
        }
        if (lastUpdated != null) {
            headers.addString(HEADER_LAST_UPDATED, cut(lastUpdated));
        }
        headers.addString(HEADER_ERROR_REASON, "too-large");
        headers.addString(HEADER_ERROR_SIZE, Long.toString(size));
        headers.addString(HEADER_ERROR_URL, cut(url));
        headers.addString(HEADER_CONTENT_TYPE, "application/json");
        headers.addString(HEADER_SOURCE, header(record, HEADER_SOURCE));
        return new SourceRecord(record.sourcePartition(), record.sourceOffset(), errorTopic, null,
                Schema.STRING_SCHEMA, cut(type + "/" + id), Schema.STRING_SCHEMA, json.toString(),
                record.timestamp(), headers);
    }

    private static String header(SourceRecord record, String name) {
        org.apache.kafka.connect.header.Header h = record.headers().lastWithName(name);
        return h == null || h.value() == null ? null : h.value().toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":");
        if (value == null) {
            return json.append("null");
        }
        json.append('"');
        for (char c : cut(value).toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    private static String cut(String value) {
        return value == null || value.length() <= MAX_ERROR_FIELD ? value
                : value.substring(0, MAX_ERROR_FIELD) + "...";
    }

    /** A copy of {@code record} with another source offset. */
    static SourceRecord withOffset(SourceRecord record, Map<String, ?> offset) {
        return new SourceRecord(record.sourcePartition(), offset, record.topic(), record.kafkaPartition(),
                record.keySchema(), record.key(), record.valueSchema(), record.value(), record.timestamp(),
                record.headers());
    }
}
