package com.healthcare.kafka.connect.transforms;

import java.time.Clock;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.transforms.mask.MaskPhiConfig;
import com.healthcare.kafka.connect.transforms.mask.PhiMasker;

/**
 * Masks PHI in a record's key ({@link Key}) or value ({@link Value}): Structs and Maps by dotted paths (Debezium
 * envelopes included), HL7 v2 text and the HL7 source's Struct by {@code SEG-n[.c[.s]]}, FHIR JSON by
 * {@code ResourceType.element}; as Strings or bytes. Profiles {@code safe-harbor} (45 CFR 164.514(b)(2)) and
 * {@code pseudonymize} (keyed HMAC, per-patient date shift; not Safe Harbor); rules {@code path:method[:arg]}.
 * Null values and tombstones pass. Nothing of a record's content is ever logged or put in an exception message.
 * See docs/phi-masking.md.
 */
public abstract class MaskPhi<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String PROFILE = MaskPhiConfig.PROFILE;
    public static final String RULES = MaskPhiConfig.RULES;
    public static final String HASH_KEY = MaskPhiConfig.HASH_KEY;

    public static final ConfigDef CONFIG_DEF = MaskPhiConfig.configDef();

    private static final Logger LOG = LoggerFactory.getLogger(MaskPhi.class);

    private final Clock clock;
    protected PhiMasker masker;

    protected MaskPhi() {
        this(Clock.systemUTC());
    }

    /** For tests: the clock that dates "now" for age90. */
    protected MaskPhi(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        MaskPhiConfig.Settings settings = MaskPhiConfig.parse(configs);
        masker = new PhiMasker(settings, clock);
        LOG.info("MaskPhi {} configured: profile {}, {} rule(s), format {}", getClass().getSimpleName(),
                settings.profile().token(), settings.userRules().size(), settings.format());
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        if (masker != null) {
            masker.close();
        }
    }

    @Override
    public String version() {
        return BuildVersion.of(MaskPhi.class);
    }

    protected final PhiMasker masker() {
        if (masker == null) {
            throw new IllegalStateException("MaskPhi is not configured");
        }
        return masker;
    }

    /** Masks the record key. */
    public static class Key<R extends ConnectRecord<R>> extends MaskPhi<R> {
        public Key() {
        }

        Key(Clock clock) {
            super(clock);
        }

        @Override
        public R apply(R record) {
            if (record.key() == null) {
                return record;
            }
            SchemaAndValue key = masker().maskKey(record.keySchema(), record.key());
            return record.newRecord(record.topic(), record.kafkaPartition(), key.schema(), key.value(),
                    record.valueSchema(), record.value(), record.timestamp(), record.headers());
        }
    }

    /** Masks the record value. */
    public static class Value<R extends ConnectRecord<R>> extends MaskPhi<R> {
        public Value() {
        }

        Value(Clock clock) {
            super(clock);
        }

        @Override
        public R apply(R record) {
            if (record.value() == null) {
                return record; // tombstones pass
            }
            SchemaAndValue value = masker().maskValue(record.valueSchema(), record.value(), record.key());
            if (value.value() == record.value() && value.schema() == record.valueSchema()) {
                return record;
            }
            Schema schema = value.schema();
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                    schema, value.value(), record.timestamp(), record.headers());
        }
    }
}
