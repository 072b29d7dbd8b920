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

    public static final String PARTITION_URL = "fhir.url";
    public static final String PARTITION_TYPE = "resourceType";

    private final String topicPrefix;
    private final String baseUrl;

    public RecordFactory(String topicPrefix, String baseUrl) {
        this.topicPrefix = topicPrefix;
        this.baseUrl = baseUrl;
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

    /** A copy of {@code record} with another source offset. */
    static SourceRecord withOffset(SourceRecord record, Map<String, ?> offset) {
        return new SourceRecord(record.sourcePartition(), offset, record.topic(), record.kafkaPartition(),
                record.keySchema(), record.key(), record.valueSchema(), record.value(), record.timestamp(),
                record.headers());
    }
}
