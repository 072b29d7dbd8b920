package com.healthcare.kafka.connect.transforms;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.transforms.facility.FacilityMetadataConfig;
import com.healthcare.kafka.connect.transforms.facility.FacilityStamper;
import com.healthcare.kafka.connect.transforms.facility.FacilityStamper.Stamped;

/**
 * Stamps the facility code into the key and the facility code and name into the value, in one step, so records of
 * many facilities can share topics and one warehouse table without overwriting each other's rows.
 * <ul>
 * <li>Key ({@code key.mode=struct}): a Struct key gains the code field; a primitive key becomes
 * {@code Struct {key.id.field, code field}}; a Map key gains the entry; a null key stays null.</li>
 * <li>Value: a flat Struct or Map gains code and name; a Debezium envelope gains them in {@code before} and
 * {@code after} only; a tombstone stays a tombstone (with the stamped key, so the delete finds its row).</li>
 * <li>An error record of the bundle's plugins whose value is not a row (raw bytes, text) keeps its value.</li>
 * <li>Derived schemas keep name, version and doc, add optional string fields, and are cached.</li>
 * </ul>
 */
public class FacilityMetadata<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String FACILITY_CODE = FacilityMetadataConfig.FACILITY_CODE;
    public static final String FACILITY_NAME = FacilityMetadataConfig.FACILITY_NAME;
    public static final String FACILITY_CODE_FIELD = FacilityMetadataConfig.FACILITY_CODE_FIELD;
    public static final String FACILITY_NAME_FIELD = FacilityMetadataConfig.FACILITY_NAME_FIELD;
    public static final String KEY_MODE = FacilityMetadataConfig.KEY_MODE;
    public static final String KEY_ID_FIELD = FacilityMetadataConfig.KEY_ID_FIELD;
    public static final String HEADERS_ENABLED = FacilityMetadataConfig.HEADERS_ENABLED;

    public static final ConfigDef CONFIG_DEF = FacilityMetadataConfig.CONFIG_DEF;

    private FacilityStamper stamper;

    @Override
    public void configure(Map<String, ?> configs) {
        stamper = new FacilityStamper(new FacilityMetadataConfig(configs));
    }

    @Override
    public R apply(R record) {
        FacilityMetadataConfig config = stamper.config();
        Schema keySchema = record.keySchema();
        Object key = record.key();
        if (config.stampKey()) {
            Stamped stamped = stamper.key(keySchema, key);
            keySchema = stamped.schema;
            key = stamped.value;
        }
        Stamped value = passesAsItIs(record) ? null : stamper.value(record.valueSchema(), record.value());
        Headers headers = record.headers();
        if (config.headersEnabled()) {
            headers = headers.duplicate();
            headers.remove(config.codeField()).addString(config.codeField(), config.code());
            if (config.name() != null) {
                headers.remove(config.nameField()).addString(config.nameField(), config.name());
            }
        }
        Schema valueSchema = value == null ? record.valueSchema() : value.schema;
        Object newValue = value == null ? record.value() : value.value;
        return record.newRecord(record.topic(), record.kafkaPartition(), keySchema, key, valueSchema, newValue,
                record.timestamp(), headers);
    }

    /**
     * An error record of the bundle's plugins (a source's raw bytes, a value MaskPhi redacted, a Bundle
     * Hl7ToFhir could not make) whose value is not a row: it keeps its value and is stamped in key and headers
     * only, instead of failing the task on a value that was never meant to be a row.
     */
    private static boolean passesAsItIs(ConnectRecord<?> record) {
        Object value = record.value();
        return value != null && !(value instanceof Struct) && !(value instanceof Map)
                && ErrorRecords.isErrorRecord(record.headers());
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
    }

    @Override
    public String version() {
        return BuildVersion.of(FacilityMetadata.class);
    }
}
