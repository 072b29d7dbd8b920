package com.healthcare.kafka.connect.transforms.facility;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Stamps facility code (key and value) and name (value) into records, as {@code FacilityMetadata} configures it.
 * Records with a schema and schemaless records take separate paths (the Kafka {@code InsertField} style); derived
 * schemas come from bounded caches, never built per record. Error messages name types and fields, never values
 * (values may be PHI).
 */
public final class FacilityStamper {

    private final FacilityMetadataConfig config;
    private final DerivedCache<ValueStamp> valueStamps = new DerivedCache<>();
    private final DerivedCache<StructStamp> keyStructStamps = new DerivedCache<>();
    private final DerivedCache<KeyWrap> keyWraps = new DerivedCache<>();

    public FacilityStamper(FacilityMetadataConfig config) {
        this.config = config;
    }

    public FacilityMetadataConfig config() {
        return config;
    }

    /** A schema and a value, as a record carries them. */
    public static final class Stamped {
        public final Schema schema;
        public final Object value;

        Stamped(Schema schema, Object value) {
            this.schema = schema;
            this.value = value;
        }
    }

    // ---------------------------------------------------------------------------------------------- key

    /** The stamped key; a null key is returned as it is (there is no row identity to stamp). */
    public Stamped key(Schema schema, Object key) {
        if (key == null) {
            return new Stamped(schema, null);
        }
        if (schema != null || key instanceof Struct) {
            return keyWithSchema(schema != null ? schema : ((Struct) key).schema(), key);
        }
        return new Stamped(null, keySchemaless(key));
    }

    private Stamped keyWithSchema(Schema schema, Object key) {
        switch (schema.type()) {
            case STRUCT: {
                StructStamp stamp = keyStructStamps.get(schema,
                        s -> StructStamp.derive(s, config.codeField(), config.code(), null, null));
                return new Stamped(stamp.target(), stamp.apply(requireStruct(key, "key")));
            }
            case MAP:
                return new Stamped(schema, stampStringMap(schema, key, "key", false));
            case ARRAY:
                throw new DataException("FacilityMetadata cannot stamp an ARRAY key; use key.mode=none or "
                        + "turn the key into a Struct first");
            default: {
                KeyWrap wrap = keyWraps.get(schema,
                        s -> KeyWrap.derive(s, config.keyIdField(), config.codeField(), config.code()));
                return new Stamped(wrap.target(), wrap.apply(key));
            }
        }
    }

    private Object keySchemaless(Object key) {
        if (key instanceof Map) {
            Map<Object, Object> copy = new HashMap<>((Map<?, ?>) key);
            copy.put(config.codeField(), config.code());
            return copy;
        }
        if (key instanceof List) {
            throw new DataException("FacilityMetadata cannot stamp a list key; use key.mode=none or turn the key "
                    + "into a map first");
        }
        Map<String, Object> wrapped = new HashMap<>(4);
        wrapped.put(config.keyIdField(), key);
        wrapped.put(config.codeField(), config.code());
        return wrapped;
    }

    // -------------------------------------------------------------------------------------------- value

    /** The stamped value; a tombstone (null value) stays a tombstone. */
    public Stamped value(Schema schema, Object value) {
        if (value == null) {
            return new Stamped(schema, null);
        }
        if (schema != null || value instanceof Struct) {
            return valueWithSchema(schema != null ? schema : ((Struct) value).schema(), value);
        }
        return new Stamped(null, valueSchemaless(value));
    }

    private Stamped valueWithSchema(Schema schema, Object value) {
        if (schema.type() == Schema.Type.MAP) {
            return new Stamped(schema, stampStringMap(schema, value, "value", true));
        }
        if (schema.type() != Schema.Type.STRUCT) {
            throw new DataException("FacilityMetadata stamps Struct or Map values; this record's value schema is "
                    + schema.type() + ". Put FacilityMetadata after the transform that makes the row (e.g. "
                    + "ExtractNewRecordState) or use a converter that yields Structs.");
        }
        ValueStamp stamp = valueStamps.get(schema, this::deriveValueStamp);
        return new Stamped(stamp.target(), stamp.apply(requireStruct(value, "value")));
    }

    private ValueStamp deriveValueStamp(Schema schema) {
        if (EnvelopeStamp.isEnvelope(schema)) {
            return EnvelopeStamp.derive(schema, row -> valueStamps.get(row, this::deriveRowStamp));
        }
        return deriveRowStamp(schema);
    }

    private ValueStamp deriveRowStamp(Schema row) {
        return StructStamp.derive(row, config.codeField(), config.code(), nameFieldOrNull(), config.name());
    }

    private Object valueSchemaless(Object value) {
        if (!(value instanceof Map)) {
            throw new DataException("FacilityMetadata stamps Struct or Map values; this record's value is a "
                    + value.getClass().getSimpleName() + " without schema. Use a converter that yields maps "
                    + "(e.g. JsonConverter) or put FacilityMetadata after the transform that makes the row.");
        }
        Map<?, ?> map = (Map<?, ?>) value;
        if (isSchemalessEnvelope(map)) {
            Map<Object, Object> copy = new HashMap<>(map);
            copy.computeIfPresent(EnvelopeStamp.BEFORE, (k, row) -> stampRowMap((Map<?, ?>) row));
            copy.computeIfPresent(EnvelopeStamp.AFTER, (k, row) -> stampRowMap((Map<?, ?>) row));
            return copy;
        }
        return stampRowMap(map);
    }

    /** Debezium's envelope as JSON without schema: an {@code op} and a {@code before} or {@code after} map. */
    private static boolean isSchemalessEnvelope(Map<?, ?> map) {
        if (!(map.get(EnvelopeStamp.OP) instanceof String)) {
            return false;
        }
        Object before = map.get(EnvelopeStamp.BEFORE);
        Object after = map.get(EnvelopeStamp.AFTER);
        boolean hasRow = before instanceof Map || after instanceof Map;
        return hasRow && (before == null || before instanceof Map) && (after == null || after instanceof Map)
                && map.containsKey(EnvelopeStamp.BEFORE) && map.containsKey(EnvelopeStamp.AFTER);
    }

    private Map<Object, Object> stampRowMap(Map<?, ?> row) {
        Map<Object, Object> copy = new HashMap<>(row);
        copy.put(config.codeField(), config.code());
        if (config.name() != null) {
            copy.put(config.nameField(), config.name());
        }
        return copy;
    }

    /** A Map with schema can only take the stamp if it maps strings to strings. */
    private Map<Object, Object> stampStringMap(Schema schema, Object value, String what, boolean withName) {
        if (schema.keySchema().type() != Schema.Type.STRING || schema.valueSchema().type() != Schema.Type.STRING) {
            throw new DataException("FacilityMetadata can stamp a " + what + " Map schema only if it maps strings "
                    + "to strings; this one maps " + schema.keySchema().type() + " to "
                    + schema.valueSchema().type());
        }
        if (!(value instanceof Map)) {
            throw new DataException("FacilityMetadata: " + what + " schema is MAP but the " + what + " is a "
                    + value.getClass().getSimpleName());
        }
        Map<Object, Object> copy = new HashMap<>((Map<?, ?>) value);
        copy.put(config.codeField(), config.code());
        if (withName && config.name() != null) {
            copy.put(config.nameField(), config.name());
        }
        return copy;
    }

    private String nameFieldOrNull() {
        return config.name() == null ? null : config.nameField();
    }

    private static Struct requireStruct(Object value, String what) {
        if (!(value instanceof Struct)) {
            throw new DataException("FacilityMetadata: the " + what + " schema is STRUCT but the " + what
                    + " is a " + value.getClass().getSimpleName());
        }
        return (Struct) value;
    }

    /** Schemas derived and cached (value, key Struct, key wrap); for tests. */
    long cachedSchemas() {
        return valueStamps.size() + keyStructStamps.size() + keyWraps.size();
    }
}
