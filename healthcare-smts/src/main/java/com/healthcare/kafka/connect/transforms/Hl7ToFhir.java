package com.healthcare.kafka.connect.transforms;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.util.SimpleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.common.DescribedValidator;
import com.healthcare.kafka.connect.transforms.hl7tofhir.ConversionException;
import com.healthcare.kafka.connect.transforms.hl7tofhir.ConversionSettings;
import com.healthcare.kafka.connect.transforms.hl7tofhir.ConversionSettings.BundleType;
import com.healthcare.kafka.connect.transforms.hl7tofhir.Hl7ToFhirConverter;
import com.healthcare.kafka.connect.transforms.hl7tofhir.MappingTables;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2ParseException;

/**
 * Converts an HL7 v2 message value (the HL7 source's {@code com.healthcare.hl7.Message} Struct, a Map with the
 * same field, or the raw text/bytes) into a FHIR R4 Bundle as JSON text. Tombstones pass through. A message that
 * cannot be converted is routed (with its original value) to {@code error.topic}, fails the task, or passes
 * through unchanged, per {@code behavior.on.error}. Each instance builds its own converter once, at configure;
 * no state is shared between instances.
 */
public class Hl7ToFhir<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7ToFhir.class);

    public static final String BUNDLE_TYPE = "bundle.type";
    public static final String BEHAVIOR_ON_ERROR = "behavior.on.error";
    public static final String ERROR_TOPIC = "error.topic";
    public static final String DEFAULT_TIMEZONE = "default.timezone";
    public static final String LOCAL_SYSTEM_PREFIX = "local.system.prefix";
    public static final String MAPPING_OVERRIDES_DIR = "mapping.overrides.dir";
    public static final String PROVENANCE_ENABLED = "provenance.enabled";
    public static final String RAW_FIELD = "raw.field";
    public static final String BUNDLE_MAX_BYTES = "bundle.max.bytes";

    /** Headers this transform writes. */
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String HEADER_BUNDLE_TYPE = "fhir.bundle.type";
    public static final String HEADER_RESOURCE_TYPES = "fhir.resource.types";
    public static final String HEADER_CONTROL_ID = "hl7.control.id";
    /** Optional elements the conversion dropped (segment, field, why; "; "-separated), only when there are any. */
    public static final String HEADER_WARNINGS = "hl7tofhir.warnings";
    public static final String HEADER_ERROR_CLASS = "hl7tofhir.error.class";
    public static final String HEADER_ERROR_MESSAGE = "hl7tofhir.error.message";
    public static final String HEADER_ERROR_TOPIC = "hl7tofhir.error.topic";
    public static final String FHIR_JSON = "application/fhir+json";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(BUNDLE_TYPE, Type.STRING, "transaction",
                    ConfigDef.CaseInsensitiveValidString.in("transaction", "batch", "collection", "message"),
                    Importance.MEDIUM, "Type of the FHIR Bundle produced. transaction (default): every entry is a "
                            + "conditional create or update, so POSTing the Bundle to a FHIR server is idempotent; "
                            + "batch: the same requests, but servers do not resolve references between entries; "
                            + "collection: resources only; message: a MessageHeader first, no requests.")
            .define(BEHAVIOR_ON_ERROR, Type.STRING, "route",
                    ConfigDef.CaseInsensitiveValidString.in("route", "fail", "passthrough"), Importance.HIGH,
                    "What happens to a message that cannot be converted. route: the record keeps its original "
                            + "value and goes to " + ERROR_TOPIC + " with the headers " + HEADER_ERROR_CLASS + ", "
                            + HEADER_ERROR_MESSAGE + " and " + HEADER_ERROR_TOPIC + " (the topic it was bound for); "
                            + "fail: the task fails (the worker's errors.tolerance decides what follows); "
                            + "passthrough: the record continues unchanged to its topic, with the error headers.")
            .define(ERROR_TOPIC, Type.STRING, "hl7.fhir.errors", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Topic for messages that cannot be converted when " + BEHAVIOR_ON_ERROR + "=route.")
            .define(DEFAULT_TIMEZONE, Type.STRING, "UTC", zoneValidator(), Importance.MEDIUM,
                    "Time zone (IANA id such as America/Chicago, or an offset such as +01:00) of HL7 timestamps that "
                            + "carry no offset. FHIR needs an offset on every dateTime with a time; the zone's offset "
                            + "on that date is used, so daylight saving time is right.")
            .define(LOCAL_SYSTEM_PREFIX, Type.STRING, "urn:id:", uriPrefixValidator(), Importance.LOW,
                    "Prefix of the system URI given to assigning authorities and coding systems that have no known "
                            + "URI (e.g. authority MRN becomes urn:id:MRN). Map them to real URIs with "
                            + MAPPING_OVERRIDES_DIR + " (identifier-systems.tsv, coding-systems.tsv).")
            .define(MAPPING_OVERRIDES_DIR, Type.STRING, "", overridesValidator(), Importance.LOW,
                    "Directory of mapping table overrides (TSV files named like the built-in tables, e.g. "
                            + "identifier-systems.tsv, coding-systems.tsv, patient-class.tsv): their lines replace "
                            + "or add entries; a target of '-' removes one. Empty: built-in tables only. "
                            + "See docs/hl7-to-fhir-mapping.md.")
            .define(PROVENANCE_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                    "Add one Provenance per message (sender, event, time, the resources written). In transaction and "
                            + "batch Bundles it is a conditional create on _source (meta.source = sender#control id); "
                            + "turn it off for FHIR servers that do not support the _source search parameter.")
            .define(RAW_FIELD, Type.STRING, "raw", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Field holding the HL7 text when the value is a Struct or a Map (the HL7 source's Struct "
                            + "com.healthcare.hl7.Message has it as 'raw').")
            .define(BUNDLE_MAX_BYTES, Type.INT, 900_000, ConfigDef.Range.atLeast(1024), Importance.MEDIUM,
                    "Largest Bundle emitted, in bytes as stored: its UTF-8 JSON written as a JSON string, the way "
                            + "JsonConverter stores a string value (quotes, backslashes and line breaks escaped; "
                            + "StringConverter stores less). A bigger Bundle (HL7 escapes such as \\.sp100\\ can "
                            + "make a 450 KB message a 10 MB Bundle) is not emitted: the message is handled per "
                            + BEHAVIOR_ON_ERROR + " with the reason in " + HEADER_ERROR_MESSAGE + ", since a record "
                            + "over the producer's max.request.size (1 MiB by default) fails the task. Keep it below "
                            + "max.request.size minus room for key and headers.");

    private enum OnError { ROUTE, FAIL, PASSTHROUGH }

    private Hl7ToFhirConverter converter;
    private OnError onError;
    private String errorTopic;
    private String rawField;
    private String bundleType;
    private int bundleMaxBytes;

    @Override
    public void configure(Map<String, ?> configs) {
        SimpleConfig config = new SimpleConfig(CONFIG_DEF, configs);
        BundleType type = BundleType.of(config.getString(BUNDLE_TYPE));
        ZoneId zone = ZoneId.of(config.getString(DEFAULT_TIMEZONE).trim());
        String dir = config.getString(MAPPING_OVERRIDES_DIR).trim();
        MappingTables tables;
        try {
            tables = dir.isEmpty() ? MappingTables.defaults() : MappingTables.load(Path.of(dir));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(MAPPING_OVERRIDES_DIR, dir, e.getMessage());
        }
        ConversionSettings settings = new ConversionSettings(type, zone, config.getString(LOCAL_SYSTEM_PREFIX).trim(),
                config.getBoolean(PROVENANCE_ENABLED));
        this.converter = new Hl7ToFhirConverter(settings, tables);
        this.onError = OnError.valueOf(config.getString(BEHAVIOR_ON_ERROR).trim().toUpperCase(Locale.ROOT));
        this.errorTopic = config.getString(ERROR_TOPIC).trim();
        this.rawField = config.getString(RAW_FIELD).trim();
        this.bundleType = type.code();
        this.bundleMaxBytes = config.getInt(BUNDLE_MAX_BYTES);
    }

    @Override
    public R apply(R record) {
        if (record.value() == null) {
            return record; // tombstone
        }
        if (errorTopic.equals(record.topic()) || ErrorRecords.isErrorRecord(record.headers())) {
            // Already an error record (ours from an earlier pass, a source's rejected input, a value MaskPhi
            // redacted): passed on as it is, never converted nor routed a second time.
            return record;
        }
        Hl7ToFhirConverter.Result result;
        try {
            result = converter.convert(hl7Text(record));
            long stored = BundleTooLargeException.storedBytes(result.json());
            if (stored > bundleMaxBytes) {
                throw new BundleTooLargeException(stored, bundleMaxBytes);
            }
        } catch (V2ParseException | ConversionException | DataException e) {
            return onError(record, e, e.getMessage());
        } catch (RuntimeException e) {
            // Unexpected: the exception's own message may quote message content, so it is not passed on.
            return onError(record, e, "unexpected " + e.getClass().getSimpleName() + " during conversion");
        }
        Headers headers = record.headers().duplicate();
        replace(headers, HEADER_CONTENT_TYPE, FHIR_JSON);
        replace(headers, HEADER_BUNDLE_TYPE, bundleType);
        replace(headers, HEADER_RESOURCE_TYPES, String.join(",", result.resourceTypes()));
        if (!result.warnings().isEmpty()) {
            replace(headers, HEADER_WARNINGS, String.join("; ", result.warnings()));
        }
        if (headers.lastWithName(HEADER_CONTROL_ID) == null && result.controlId() != null) {
            headers.addString(HEADER_CONTROL_ID, result.controlId());
        }
        Schema valueSchema = record.valueSchema() == null ? null : Schema.STRING_SCHEMA;
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                valueSchema, result.json(), record.timestamp(), headers);
    }

    /** The HL7 text of the value: a string, bytes (charset from MSH-18), or the raw field of a Struct or Map. */
    private String hl7Text(R record) {
        Object value = record.value();
        if (value instanceof Struct) {
            Struct struct = (Struct) value;
            Field field = struct.schema().field(rawField);
            if (field == null) {
                throw new DataException("value Struct " + struct.schema().name() + " has no field '" + rawField + "'");
            }
            value = struct.get(field);
        } else if (value instanceof Map) {
            value = ((Map<?, ?>) value).get(rawField);
        }
        if (value instanceof String) {
            return (String) value;
        }
        if (value instanceof byte[]) {
            return decode((byte[]) value);
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return decode(bytes);
        }
        if (value == null) {
            throw new DataException("the value has no HL7 text in field '" + rawField + "'");
        }
        throw new DataException("unsupported value type " + value.getClass().getName()
                + "; expected a String, bytes, or a Struct/Map with field '" + rawField + "'");
    }

    /** Bytes decoded with the charset MSH-18 names (read from the ASCII header), UTF-8 otherwise. */
    static String decode(byte[] bytes) {
        return new String(bytes, charsetOf(bytes));
    }

    static Charset charsetOf(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && end < 4096 && bytes[end] != '\r' && bytes[end] != '\n') {
            end++;
        }
        String msh = new String(bytes, 0, end, StandardCharsets.US_ASCII);
        if (!msh.startsWith("MSH") || msh.length() < 4) {
            return StandardCharsets.UTF_8;
        }
        String[] fields = msh.split(java.util.regex.Pattern.quote(String.valueOf(msh.charAt(3))), -1);
        // fields[0] = "MSH", fields[1] = MSH-2, so MSH-18 is fields[17].
        String name = fields.length > 17 ? fields[17].trim().toUpperCase(Locale.ROOT) : "";
        int rep = name.indexOf('~');
        if (rep >= 0) {
            name = name.substring(0, rep);
        }
        switch (name) {
            case "8859/1":
                return StandardCharsets.ISO_8859_1;
            case "ASCII":
                return StandardCharsets.US_ASCII;
            case "8859/15":
                return Charset.forName("ISO-8859-15");
            case "UNICODE UTF-16":
                return StandardCharsets.UTF_16;
            default:
                return StandardCharsets.UTF_8;
        }
    }

    private R onError(R record, RuntimeException e, String message) {
        String errorClass = e.getClass().getName();
        String controlId = header(record, HEADER_CONTROL_ID);
        if (onError == OnError.FAIL) {
            throw new DataException("HL7 to FHIR conversion failed (control id " + controlId + "): " + message, e);
        }
        Headers headers = record.headers().duplicate();
        replace(headers, HEADER_ERROR_CLASS, errorClass);
        replace(headers, HEADER_ERROR_MESSAGE, message);
        replace(headers, HEADER_ERROR_TOPIC, record.topic());
        if (onError == OnError.PASSTHROUGH) {
            LOG.warn("HL7 message (control id {}, topic {}) not converted, passed through: {} {}", controlId,
                    record.topic(), errorClass, message);
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                    record.valueSchema(), record.value(), record.timestamp(), headers);
        }
        LOG.warn("HL7 message (control id {}, topic {}) not converted, routed to {}: {} {}", controlId,
                record.topic(), errorTopic, errorClass, message);
        // An SMT cannot produce to another topic on the side: the record itself is re-targeted, partition left to
        // the producer (the error topic's partition count may differ).
        return record.newRecord(errorTopic, null, record.keySchema(), record.key(), record.valueSchema(),
                record.value(), record.timestamp(), headers);
    }

    private static String header(ConnectRecord<?> record, String name) {
        Header h = record.headers().lastWithName(name);
        return h == null || h.value() == null ? "unknown" : h.value().toString();
    }

    private static void replace(Headers headers, String name, String value) {
        headers.remove(name);
        headers.addString(name, value);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        converter = null;
    }

    @Override
    public String version() {
        return BuildVersion.of(Hl7ToFhir.class);
    }

    /** A valid java.time zone id. */
    static ConfigDef.Validator zoneValidator() {
        return DescribedValidator.of("an IANA time zone id or offset", (name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            try {
                ZoneId.of(s);
            } catch (DateTimeException e) {
                throw new ConfigException(name, value, "not a time zone; use an IANA id such as Europe/Paris or "
                        + "America/New_York, UTC, or an offset such as +02:00");
            }
        });
    }

    /** An absolute URI prefix. */
    static ConfigDef.Validator uriPrefixValidator() {
        return DescribedValidator.of("an absolute URI prefix", (name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            if (!s.matches("[a-zA-Z][a-zA-Z0-9+.-]*:[^\\s]*")) {
                throw new ConfigException(name, value, "must be the start of an absolute URI, e.g. urn:id: or "
                        + "https://hospital.example.org/id/");
            }
        });
    }

    /** An existing directory whose override tables all load. */
    static ConfigDef.Validator overridesValidator() {
        return DescribedValidator.of("empty, or a directory of mapping override TSV files", (name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty()) {
                return;
            }
            try {
                MappingTables.load(Path.of(s));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        });
    }
}
