package com.healthcare.kafka.connect.transforms.mask;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.healthcare.kafka.connect.transforms.mask.MaskPhiConfig.Format;

/**
 * Finds what a key or value is (a Struct or Map, the HL7 source's Struct, HL7 v2 text, FHIR JSON, other JSON, a
 * JsonConverter envelope; as a String or as bytes) and masks it with the matching masker. Messages of the
 * exceptions it throws never quote the data.
 */
public final class PhiMasker {

    /** The HL7 source connector's value schema name (issue 3). */
    public static final String HL7_MESSAGE_SCHEMA = "com.healthcare.hl7.Message";
    private static final String RAW = "raw";

    private final MaskPhiConfig.Settings settings;
    private final RuleSets rules;
    private final MaskFunctions fn;
    private final Hl7TextMasker hl7;
    private final FhirJsonMasker fhir;
    private final StructMasker structs;
    private final StructMasker hl7Messages;
    private final StructMasker keys;
    private final ObjectMapper exactJson;
    private final ObjectMapper plainJson;
    private JsonConverter envelopeConverter;

    public PhiMasker(MaskPhiConfig.Settings settings, Clock clock) {
        this.settings = settings;
        this.rules = new RuleSets(settings);
        this.fn = new MaskFunctions(settings.hashKey(), settings.replacement(), settings.restrictedZip3(),
                settings.maxShiftDays(), clock);
        this.hl7 = new Hl7TextMasker(rules.hl7, fn, settings.profile() != Profile.NONE);
        this.fhir = new FhirJsonMasker(rules.fhir, rules.sweeps, fn);
        boolean documents = settings.format() == Format.AUTO && (!rules.hl7.isEmpty() || !fhir.isEmpty());
        MaskMethod dateSweep = rules.sweeps.dates();
        this.structs = new StructMasker(rules.fields, fn, null, documents ? this::maskEmbedded : null, dateSweep,
                64);
        this.hl7Messages = new StructMasker(rules.hl7MessageFields, fn, null, null, dateSweep, 16);
        this.keys = new StructMasker(rules.keyFields, fn,
                settings.profile() == Profile.PSEUDONYMIZE ? MaskRule.of(MaskMethod.HASH) : null, null, null, 16);
        // FHIR decimals are exact: 72.50 must stay 72.50
        this.exactJson = JsonMapper.builder().disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
        this.plainJson = new ObjectMapper();
    }

    public MaskFunctions functions() {
        return fn;
    }

    // ---------------------------------------------------------------- keys

    /**
     * The masked key: null under safe-harbor ("keys are redacted"); under pseudonymize a primitive key is hashed
     * and a Struct/Map key masked by its paths with every other leaf hashed; otherwise Struct/Map keys follow
     * the field rules and other keys are kept.
     */
    public SchemaAndValue maskKey(Schema schema, Object key) {
        if (key == null) {
            return new SchemaAndValue(schema, null);
        }
        if (settings.profile() == Profile.SAFE_HARBOR) {
            return new SchemaAndValue(schema == null ? null : TypedValues.optional(schema), null);
        }
        if (key instanceof Struct struct) {
            Struct masked = keys.mask(struct, () -> null);
            return new SchemaAndValue(masked.schema(), masked);
        }
        if (key instanceof Map<?, ?> || key instanceof List<?>) {
            return new SchemaAndValue(schema, keys.maskSchemaless(key, () -> null));
        }
        if (settings.profile() == Profile.PSEUDONYMIZE) {
            String text = key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                    : key instanceof ByteBuffer b ? StandardCharsets.UTF_8.decode(b.duplicate()).toString()
                    : String.valueOf(key);
            String hashed = fn.hash(text);
            if (key instanceof byte[] || key instanceof ByteBuffer) {
                return new SchemaAndValue(schema, hashed.getBytes(StandardCharsets.UTF_8));
            }
            return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, hashed);
        }
        return new SchemaAndValue(schema, key);
    }

    // ---------------------------------------------------------------- values

    /**
     * The masked value and its schema.
     *
     * @param recordKey the record's (unmasked) key, the patient id of last resort for dateshift
     */
    public SchemaAndValue maskValue(Schema schema, Object value, Object recordKey) {
        if (value == null) {
            return new SchemaAndValue(schema, null);
        }
        Format format = settings.format();
        if (value instanceof Struct struct) {
            if (format == Format.FHIR) {
                throw unexpected("a Struct", "FHIR JSON");
            }
            if (format != Format.STRUCT && HL7_MESSAGE_SCHEMA.equals(struct.schema().name())
                    && struct.schema().field(RAW) != null) {
                return hl7Struct(struct);
            }
            if (format == Format.HL7) {
                throw unexpected("a Struct other than " + HL7_MESSAGE_SCHEMA, "HL7 v2");
            }
            Struct masked = structs.mask(struct, patient(struct, recordKey));
            return new SchemaAndValue(masked.schema(), masked);
        }
        if (value instanceof Map<?, ?> map) {
            return new SchemaAndValue(schema, maskMap(map, recordKey, format));
        }
        if (value instanceof String text) {
            return new SchemaAndValue(schema, maskText(text, recordKey, format));
        }
        if (value instanceof byte[] bytes) {
            return new SchemaAndValue(schema, maskBytes(bytes, recordKey, format));
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return new SchemaAndValue(schema, ByteBuffer.wrap(maskBytes(bytes, recordKey, format)));
        }
        if (value instanceof List<?> list && format != Format.HL7 && format != Format.FHIR) {
            return new SchemaAndValue(schema, structs.maskSchemaless(list, () -> autoPatient(null, recordKey)));
        }
        if (format == Format.HL7 || format == Format.FHIR) {
            throw unexpected("a " + value.getClass().getSimpleName(), format == Format.HL7 ? "HL7 v2" : "FHIR JSON");
        }
        return new SchemaAndValue(schema, value);
    }

    private Object maskMap(Map<?, ?> map, Object recordKey, Format format) {
        boolean hl7Message = map.get(RAW) instanceof String raw && map.containsKey("message_type")
                && Hl7TextMasker.looksLikeHl7(raw);
        if (format != Format.STRUCT && map.get("resourceType") instanceof String) {
            JsonNode tree = plainJson.valueToTree(map);
            fhir.mask(tree);
            return plainJson.convertValue(tree, Map.class);
        }
        if (format == Format.FHIR) {
            throw unexpected("a Map without resourceType", "FHIR JSON");
        }
        if (format != Format.STRUCT && hl7Message) {
            return hl7Map(map);
        }
        if (format == Format.HL7) {
            throw unexpected("a Map that is not an HL7 message", "HL7 v2");
        }
        return structs.maskSchemaless(map, patient(map, recordKey));
    }

    private Object maskText(String text, Object recordKey, Format format) {
        if (format != Format.FHIR && format != Format.STRUCT && Hl7TextMasker.looksLikeHl7(text)) {
            return hl7.mask(text);
        }
        if (format == Format.HL7) {
            throw unexpected("text that does not start with MSH, FHS or BHS", "HL7 v2");
        }
        int first = firstNonBlank(text);
        if (first >= 0 && (text.charAt(first) == '{' || text.charAt(first) == '[')) {
            byte[] masked = maskJson(text.getBytes(StandardCharsets.UTF_8), recordKey, format);
            return new String(masked, StandardCharsets.UTF_8);
        }
        return unrecognised(text, format);
    }

    private Object unrecognised(Object value, Format format) {
        if (format == Format.FHIR) {
            throw unexpected("text that is not JSON", "FHIR JSON");
        }
        if (rules.textRules && format == Format.AUTO) {
            throw new DataException("MaskPhi: the value is neither HL7 v2 nor JSON, so it cannot be masked;"
                    + " it is redacted whole");
        }
        return value;
    }

    private byte[] maskBytes(byte[] bytes, Object recordKey, Format format) {
        int first = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            first = 3;
        }
        while (first < bytes.length && (bytes[first] == ' ' || bytes[first] == '\r' || bytes[first] == '\n'
                || bytes[first] == '\t')) {
            first++;
        }
        if (first < bytes.length && (bytes[first] == '{' || bytes[first] == '[') && format != Format.HL7) {
            return maskJson(bytes, recordKey, format);
        }
        if (format != Format.FHIR && format != Format.STRUCT && bytes.length - first >= 4
                && isHeader(bytes, first)) {
            Charset charset = hl7Charset(bytes, first);
            String text = decode(bytes, charset);
            if (text == null) {
                charset = StandardCharsets.ISO_8859_1; // byte-transparent: masking only touches ASCII delimiters
                text = new String(bytes, charset);
            }
            return hl7.mask(text).getBytes(charset);
        }
        if (format == Format.HL7) {
            throw unexpected("bytes that do not start with MSH, FHS or BHS", "HL7 v2");
        }
        Object result = unrecognised(bytes, format);
        return (byte[]) result;
    }

    /** MSH, FHS or BHS and a field separator that is not a letter, digit or white space (as for text). */
    private static boolean isHeader(byte[] b, int i) {
        boolean name = (b[i] == 'M' && b[i + 1] == 'S' && b[i + 2] == 'H') || (b[i] == 'F' && b[i + 1] == 'H'
                && b[i + 2] == 'S') || (b[i] == 'B' && b[i + 1] == 'H' && b[i + 2] == 'S');
        char sep = (char) (b[i + 3] & 0xff);
        return name && sep > ' ' && sep < 0x7f && !Character.isLetterOrDigit(sep);
    }

    /** The charset MSH-18 names (read from the ASCII header), UTF-8 otherwise. */
    private static Charset hl7Charset(byte[] bytes, int start) {
        int end = start;
        while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
            end++;
        }
        String header = new String(bytes, start, end - start, StandardCharsets.US_ASCII);
        char sep = header.charAt(3);
        String[] fields = header.split(java.util.regex.Pattern.quote(String.valueOf(sep)), -1);
        String msh18 = fields.length > 17 ? fields[17].trim() : "";
        int rep = msh18.indexOf('~');
        if (rep >= 0) {
            msh18 = msh18.substring(0, rep);
        }
        return switch (msh18) {
            case "8859/1" -> StandardCharsets.ISO_8859_1;
            case "ASCII" -> StandardCharsets.US_ASCII;
            case "UNICODE UTF-16" -> StandardCharsets.UTF_16;
            default -> {
                if (msh18.startsWith("8859/")) {
                    try {
                        yield Charset.forName("ISO-8859-" + msh18.substring(5));
                    } catch (RuntimeException e) {
                        yield StandardCharsets.UTF_8;
                    }
                }
                yield StandardCharsets.UTF_8;
            }
        };
    }

    private static String decode(byte[] bytes, Charset charset) {
        try {
            CharBuffer chars = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int firstNonBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- JSON

    private byte[] maskJson(byte[] bytes, Object recordKey, Format format) {
        JsonNode tree;
        try {
            tree = exactJson.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new DataException("MaskPhi: the value is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            throw new DataException("MaskPhi: the value could not be read as JSON");
        }
        try {
            if (FhirJsonMasker.isResource(tree) || (tree.isArray() && tree.size() > 0
                    && FhirJsonMasker.isResource(tree.get(0)))) {
                if (format == Format.STRUCT) {
                    return genericJson(tree, recordKey);
                }
                fhir.mask(tree);
                return exactJson.writeValueAsBytes(tree);
            }
            if (format == Format.FHIR) {
                throw unexpected("JSON without resourceType", "FHIR JSON");
            }
            if (tree instanceof ObjectNode object && object.size() == 2 && object.has("schema")
                    && object.has("payload")) {
                return envelope(bytes, recordKey);
            }
            return genericJson(tree, recordKey);
        } catch (JsonProcessingException e) {
            throw new DataException("MaskPhi: the masked JSON could not be written");
        }
    }

    private byte[] genericJson(JsonNode tree, Object recordKey) throws JsonProcessingException {
        Object value = exactJson.treeToValue(tree, Object.class);
        Object masked = value instanceof Map<?, ?> map ? maskMap(map, recordKey, Format.STRUCT == settings.format()
                ? Format.STRUCT : Format.AUTO) : structs.maskSchemaless(value, () -> autoPatient(value, recordKey));
        return exactJson.writeValueAsBytes(masked);
    }

    /** A JsonConverter value with its schema ({"schema":...,"payload":...}): masked as Connect data. */
    private byte[] envelope(byte[] bytes, Object recordKey) {
        if (envelopeConverter == null) {
            JsonConverter converter = new JsonConverter();
            Map<String, Object> config = new HashMap<>();
            config.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, true);
            config.put("converter.type", "value");
            converter.configure(config);
            envelopeConverter = converter;
        }
        SchemaAndValue data;
        try {
            data = envelopeConverter.toConnectData("mask", bytes);
        } catch (RuntimeException e) {
            throw new DataException("MaskPhi: the JSON value has a schema and payload that do not match");
        }
        SchemaAndValue masked = maskValue(data.schema(), data.value(), recordKey);
        return envelopeConverter.fromConnectData("mask", masked.schema(), masked.value());
    }

    // ---------------------------------------------------------------- HL7 source Struct

    private SchemaAndValue hl7Struct(Struct struct) {
        Object raw = struct.get(RAW);
        Hl7TextMasker.Result result = raw instanceof String text && !rules.userRawRule
                ? hl7.maskWithPatient(text) : null;
        String patient = result != null ? result.patientId() : stringOf(struct, "patient_id");
        Struct masked = hl7Messages.mask(struct, () -> patient);
        if (result != null) {
            masked.put(RAW, result.text());
        } else if (raw instanceof byte[] bytes && !rules.userRawRule) {
            masked.put(RAW, maskBytes(bytes, null, Format.HL7)); // the text as bytes: masked all the same
        }
        return new SchemaAndValue(masked.schema(), masked);
    }

    @SuppressWarnings("unchecked")
    private Object hl7Map(Map<?, ?> map) {
        Object raw = map.get(RAW);
        Hl7TextMasker.Result result = raw instanceof String text && !rules.userRawRule
                ? hl7.maskWithPatient(text) : null;
        String patient = result != null ? result.patientId()
                : map.get("patient_id") == null ? null : String.valueOf(map.get("patient_id"));
        Map<Object, Object> masked = (Map<Object, Object>) hl7Messages.maskSchemaless(map, () -> patient);
        if (result != null) {
            masked.put(RAW, result.text());
        }
        return masked;
    }

    private static String stringOf(Struct struct, String field) {
        return struct.schema().field(field) == null || struct.get(field) == null ? null
                : String.valueOf(struct.get(field));
    }

    // ---------------------------------------------------------------- embedded documents

    /** An HL7 message or FHIR resource held in a string field of a record; other strings unchanged. */
    private String maskEmbedded(String text) {
        if (text.length() < 8) {
            return text;
        }
        char c = text.charAt(0);
        if ((c == 'M' || c == 'F' || c == 'B') && Hl7TextMasker.looksLikeHl7(text)) {
            return hl7.mask(text);
        }
        if (c == '{' && text.contains("\"resourceType\"")) {
            try {
                JsonNode tree = exactJson.readTree(text);
                if (FhirJsonMasker.isResource(tree)) {
                    fhir.mask(tree);
                    return exactJson.writeValueAsString(tree);
                }
            } catch (JsonProcessingException e) {
                throw new DataException("MaskPhi: a field holds text that looks like FHIR JSON but is not valid"
                        + " JSON; it is not passed on unmasked");
            }
        }
        return text;
    }

    // ---------------------------------------------------------------- patient id for dateshift

    private Supplier<String> patient(Object value, Object recordKey) {
        if (!structs.usesDateshift()) {
            return () -> null;
        }
        return new Supplier<>() {
            private boolean done;
            private String id;

            @Override
            public String get() {
                if (!done) {
                    id = settings.patientIdPath().isEmpty() ? autoPatient(value, recordKey)
                            : asText(StructMasker.read(value, settings.patientIdPath()));
                    done = true;
                }
                return id;
            }
        };
    }

    private static final List<List<String>> PATIENT_PATHS = List.of(List.of("patient_id"), List.of("patientId"),
            List.of("mrn"), List.of("after", "patient_id"), List.of("after", "patientId"), List.of("after", "mrn"),
            List.of("before", "patient_id"), List.of("before", "patientId"), List.of("before", "mrn"));

    private static String autoPatient(Object value, Object recordKey) {
        if (value != null) {
            for (List<String> path : PATIENT_PATHS) {
                String id = asText(StructMasker.read(value, path));
                if (id != null) {
                    return id;
                }
            }
        }
        if (recordKey instanceof String || recordKey instanceof Number) {
            return String.valueOf(recordKey);
        }
        return null;
    }

    private static String asText(Object value) {
        if (value == null) {
            return null;
        }
        String text = value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
        return text.isBlank() ? null : text.trim();
    }

    private static DataException unexpected(String what, String expected) {
        return new DataException("MaskPhi: format is set to " + expected + " but the value is " + what);
    }

    /** Frees the JSON converter. */
    public void close() {
        if (envelopeConverter != null) {
            envelopeConverter.close();
        }
    }
}
