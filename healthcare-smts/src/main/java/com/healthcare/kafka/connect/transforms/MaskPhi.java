package com.healthcare.kafka.connect.transforms;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
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
 * Null values and tombstones pass. A value (or key) it cannot read, such as a source's error record of raw bytes,
 * is redacted whole, fail-closed, with the headers {@value #HEADER_REDACTED} and {@value #HEADER_REDACTED_REASON}:
 * it never passes unmasked and never fails the task. Nothing of a record's content is ever logged or put in an
 * exception message. See docs/phi-masking.md.
 */
public abstract class MaskPhi<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String PROFILE = MaskPhiConfig.PROFILE;
    public static final String RULES = MaskPhiConfig.RULES;
    public static final String HASH_KEY = MaskPhiConfig.HASH_KEY;

    /** Set on a record whose value ({@code value}) or key ({@code key}) was redacted whole. */
    public static final String HEADER_REDACTED = "maskphi.redacted";
    /** Why: the masker's message, which never quotes the data. */
    public static final String HEADER_REDACTED_REASON = "maskphi.redacted.reason";

    public static final ConfigDef CONFIG_DEF = MaskPhiConfig.configDef();

    private static final Logger LOG = LoggerFactory.getLogger(MaskPhi.class);

    private final Clock clock;
    private final AtomicLong redactions = new AtomicLong();
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

    /**
     * The headers of a record whose key or value was redacted whole, and one WARN line (the first, then every
     * 1000th: a flood of garbage must not flood the log), without content.
     */
    final Headers redactedHeaders(ConnectRecord<?> record, String what, RuntimeException e) {
        String reason = e instanceof DataException ? e.getMessage()
                : "unexpected " + e.getClass().getSimpleName() + " while masking";
        long n = redactions.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("MaskPhi redacted the {} of a record of topic {} whole ({} so far): {}", what, record.topic(),
                    n, reason);
        }
        Headers headers = record.headers().duplicate();
        headers.remove(HEADER_REDACTED).addString(HEADER_REDACTED, what);
        headers.remove(HEADER_REDACTED_REASON).addString(HEADER_REDACTED_REASON, reason);
        return headers;
    }

    /**
     * What stands for a value redacted whole: an empty value of the same kind (never null, which a FHIR sink or a
     * compacted topic would take for a delete); a String for other kinds.
     */
    static SchemaAndValue emptied(Schema schema, Object value) {
        if (value instanceof byte[]) {
            return new SchemaAndValue(schema, new byte[0]);
        }
        if (value instanceof ByteBuffer) {
            return new SchemaAndValue(schema, ByteBuffer.allocate(0));
        }
        if (value instanceof String) {
            return new SchemaAndValue(schema, "");
        }
        return new SchemaAndValue(schema == null ? null : Schema.OPTIONAL_STRING_SCHEMA, "");
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
            PhiMasker phi = masker();
            SchemaAndValue key;
            try {
                key = phi.maskKey(record.keySchema(), record.key());
            } catch (RuntimeException e) {
                // fail-closed: no key at all rather than one that may hold an identifier
                Schema schema = record.keySchema() == null ? null : Schema.OPTIONAL_STRING_SCHEMA;
                return record.newRecord(record.topic(), record.kafkaPartition(), schema, null,
                        record.valueSchema(), record.value(), record.timestamp(), redactedHeaders(record, "key", e));
            }
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
            PhiMasker phi = masker();
            SchemaAndValue value;
            try {
                value = phi.maskValue(record.valueSchema(), record.value(), record.key());
            } catch (RuntimeException e) {
                SchemaAndValue empty = emptied(record.valueSchema(), record.value());
                return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                        empty.schema(), empty.value(), record.timestamp(), redactedHeaders(record, "value", e));
            }
            if (value.value() == record.value() && value.schema() == record.valueSchema()) {
                return record;
            }
            Schema schema = value.schema();
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                    schema, value.value(), record.timestamp(), record.headers());
        }
    }
}
