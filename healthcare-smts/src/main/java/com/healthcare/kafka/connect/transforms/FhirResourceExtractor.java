package com.healthcare.kafka.connect.transforms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.transforms.fhir.ResourceLocator;
import com.healthcare.kafka.connect.transforms.fhir.R4Elements;
import com.healthcare.kafka.connect.transforms.fhir.StructInference;


/**
 * Emits the FHIR resource of a record: the value itself when it is a resource (the FHIR source's value), or one
 * entry of a Bundle (Hl7ToFhir's output): the only entry, or the one {@code bundle.entry.type} /
 * {@code bundle.entry.index} select. An SMT returns one record, so it cannot split a Bundle: a Bundle with several
 * candidates goes to {@code error.topic} (default) or passes through unchanged, as {@code bundle.multiple.entries}
 * says. The key becomes {@code Type/id} (or the id), the topic can be derived from the resource type, and the value
 * is JSON text (the resource exactly as it was), a schemaless map, or a Struct with a schema inferred from the
 * resource (for sinks that need schemas). Values that are not FHIR JSON go to the error topic with a reason header;
 * nothing is dropped silently and the task never fails on a bad value. Tombstones pass through.
 */
public class FhirResourceExtractor<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OUTPUT_FORMAT = "output.format";
    public static final String ENTRY_TYPE = "bundle.entry.type";
    public static final String ENTRY_INDEX = "bundle.entry.index";
    public static final String MULTIPLE_ENTRIES = "bundle.multiple.entries";
    public static final String ERROR_TOPIC = "error.topic";
    public static final String KEY_FORMAT = "key.format";
    public static final String TOPIC_FORMAT = "topic.format";
    public static final String SCHEMA_CACHE_SIZE = "schema.cache.size";

    public static final String HEADER_ERROR = "fhir.extractor.error";
    public static final String HEADER_ORIGINAL_TOPIC = "fhir.extractor.original.topic";
    public static final String HEADER_RESOURCE_TYPE = "fhir.resource.type";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(OUTPUT_FORMAT, Type.STRING, "json",
                    ConfigDef.CaseInsensitiveValidString.in("json", "map", "struct"), Importance.MEDIUM,
                    "Value produced: json (the resource's JSON text, byte for byte; string schema), map (a "
                            + "schemaless map: JSON integers as Long, decimals as Double), or struct (a Struct whose "
                            + "schema is inferred from the resource, number types from the FHIR R4 definitions; for "
                            + "sinks that need schemas such as a JDBC sink).")
            .define(ENTRY_TYPE, Type.STRING, "", Importance.MEDIUM,
                    "For a Bundle: only entries whose resource has this type are candidates (e.g. Observation). "
                            + "Empty: every entry with a resource.")
            .define(ENTRY_INDEX, Type.INT, -1, ConfigDef.Range.atLeast(-1), Importance.MEDIUM,
                    "For a Bundle: take the candidate at this position (0 = first). -1: the Bundle must have "
                            + "exactly one candidate.")
            .define(MULTIPLE_ENTRIES, Type.STRING, "error",
                    ConfigDef.CaseInsensitiveValidString.in("error", "passthrough"), Importance.MEDIUM,
                    "What to do with a Bundle that has several candidates and no " + ENTRY_INDEX + ": error (send "
                            + "it unchanged to " + ERROR_TOPIC + " with a reason header) or passthrough (leave the "
                            + "record as it is).")
            .define(ERROR_TOPIC, Type.STRING, "fhir.extractor.errors", Importance.MEDIUM,
                    "Topic for records that cannot give one resource (not FHIR JSON, no entry, several entries), "
                            + "with headers " + HEADER_ERROR + " and " + HEADER_ORIGINAL_TOPIC + ".")
            .define(KEY_FORMAT, Type.STRING, "reference",
                    ConfigDef.CaseInsensitiveValidString.in("reference", "id", "unchanged"), Importance.MEDIUM,
                    "Record key: reference (Type/id, e.g. Patient/123), id (123) or unchanged.")
            .define(TOPIC_FORMAT, Type.STRING, "${topic}", Importance.MEDIUM,
                    "Record topic; ${topic} is the current topic and ${resourceType} the resource type, e.g. "
                            + "'fhir.${resourceType}'.")
            .define(SCHEMA_CACHE_SIZE, Type.INT, 256, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Inferred schemas kept (by resource shape) for " + OUTPUT_FORMAT + "=struct.");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private String outputFormat;
    private String entryType;
    private int entryIndex;
    private boolean multipleToError;
    private String errorTopic;
    private String keyFormat;
    private String topicFormat;
    private StructInference inference;

    @Override
    public void configure(Map<String, ?> configs) {
        SimpleConfig config = new SimpleConfig(CONFIG_DEF, configs);
        outputFormat = config.getString(OUTPUT_FORMAT).toLowerCase(Locale.ROOT);
        entryType = config.getString(ENTRY_TYPE).trim();
        entryIndex = config.getInt(ENTRY_INDEX);
        multipleToError = "error".equalsIgnoreCase(config.getString(MULTIPLE_ENTRIES));
        errorTopic = config.getString(ERROR_TOPIC).trim();
        if (errorTopic.isEmpty()) {
            throw new ConfigException(ERROR_TOPIC, errorTopic, "must name a topic");
        }
        keyFormat = config.getString(KEY_FORMAT).toLowerCase(Locale.ROOT);
        topicFormat = config.getString(TOPIC_FORMAT).trim();
        if (topicFormat.isEmpty()) {
            throw new ConfigException(TOPIC_FORMAT, topicFormat, "must not be empty; use ${topic} to keep the topic");
        }
        // one HAPI context per transform instance, only when its definitions are needed
        inference = "struct".equals(outputFormat)
                ? new StructInference(R4Elements.r4(), config.getInt(SCHEMA_CACHE_SIZE)) : null;
    }

    @Override
    public R apply(R record) {
        Object value = record.value();
        if (value == null) {
            return record; // tombstone: keep deletes deletable
        }
        String text;
        if (value instanceof String s) {
            text = s;
        } else if (value instanceof byte[] bytes) {
            text = new String(bytes, StandardCharsets.UTF_8);
        } else if (value instanceof Map<?, ?> map) {
            try {
                text = MAPPER.writeValueAsString(map);
            } catch (IOException e) {
                return toError(record, "the map value cannot be written as JSON");
            }
        } else {
            return toError(record, "unsupported value type " + value.getClass().getSimpleName()
                    + " (expected FHIR JSON as a string, bytes or a map)");
        }

        ResourceLocator.Located located;
        try {
            located = ResourceLocator.locate(text);
        } catch (IOException e) {
            return toError(record, "the value is not JSON");
        }
        if (located.root().resourceType() == null) {
            return toError(record, "the JSON has no resourceType: not a FHIR resource");
        }
        ResourceLocator.Span chosen = located.root();
        if (located.isBundle()) {
            List<ResourceLocator.Span> candidates = new ArrayList<>();
            for (ResourceLocator.Span s : located.entries()) {
                if (entryType.isEmpty() || entryType.equals(s.resourceType())) {
                    candidates.add(s);
                }
            }
            if (entryIndex >= 0) {
                if (entryIndex >= candidates.size()) {
                    return toError(record, "the Bundle has " + candidates.size() + " candidate entr(ies); "
                            + ENTRY_INDEX + "=" + entryIndex + " is out of range");
                }
                chosen = candidates.get(entryIndex);
            } else if (candidates.size() == 1) {
                chosen = candidates.get(0);
            } else if (candidates.isEmpty()) {
                return toError(record, "the Bundle has no entry with a resource"
                        + (entryType.isEmpty() ? "" : " of type " + entryType));
            } else if (multipleToError) {
                return toError(record, "the Bundle has " + candidates.size() + " candidate entries and an SMT emits "
                        + "one record: select one with " + ENTRY_INDEX + "/" + ENTRY_TYPE + ", or split the Bundle "
                        + "upstream");
            } else {
                return record;
            }
        }
        String resourceType = chosen.resourceType();
        String id = chosen.id();
        String resourceText = chosen == located.root() ? text : chosen.cut(text);

        Object newKey = record.key();
        Schema newKeySchema = record.keySchema();
        if (!"unchanged".equals(keyFormat)) {
            if (id == null) {
                return toError(record, "the " + resourceType + " has no id to build the key from");
            }
            newKey = "id".equals(keyFormat) ? id : resourceType + "/" + id;
            newKeySchema = Schema.STRING_SCHEMA;
        }
        String topic = topicFormat.replace("${topic}", record.topic()).replace("${resourceType}", resourceType);

        Schema newValueSchema;
        Object newValue;
        switch (outputFormat) {
            case "map" -> {
                JsonNode tree = tree(resourceText);
                if (tree == null) {
                    return toError(record, "the resource JSON cannot be read");
                }
                newValueSchema = null;
                newValue = StructInference.toPlain(tree);
            }
            case "struct" -> {
                JsonNode tree = tree(resourceText);
                if (tree == null) {
                    return toError(record, "the resource JSON cannot be read");
                }
                Struct struct = inference.toStruct(tree);
                newValueSchema = struct.schema();
                newValue = struct;
            }
            default -> {
                newValueSchema = Schema.OPTIONAL_STRING_SCHEMA;
                newValue = resourceText;
            }
        }
        R result = record.newRecord(topic, record.kafkaPartition(), newKeySchema, newKey, newValueSchema, newValue,
                record.timestamp(), record.headers().duplicate());
        result.headers().addString(HEADER_RESOURCE_TYPE, resourceType);
        return result;
    }

    private static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    /** The original record, unchanged, on the error topic with a reason (never the content: it may be PHI). */
    private R toError(R record, String reason) {
        Headers headers = record.headers().duplicate();
        headers.addString(HEADER_ERROR, reason);
        headers.addString(HEADER_ORIGINAL_TOPIC, record.topic());
        return record.newRecord(errorTopic, null, record.keySchema(), record.key(), record.valueSchema(),
                record.value(), record.timestamp(), headers);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        inference = null;
    }

    @Override
    public String version() {
        return BuildVersion.of(FhirResourceExtractor.class);
    }
}
