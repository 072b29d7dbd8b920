package com.healthcare.kafka.connect.transforms;

import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.CLOCK;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.IDENTIFIERS;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.KEY;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.adtA01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.healthcare.kafka.connect.transforms.mask.MaskFunctions;

class MaskPhiTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The HL7 source's value schema (issue 3's field names). */
    static final Schema MESSAGE = SchemaBuilder.struct().name("com.healthcare.hl7.Message").version(1)
            .field("message_type", Schema.STRING_SCHEMA)
            .field("trigger_event", Schema.OPTIONAL_STRING_SCHEMA)
            .field("message_structure", Schema.OPTIONAL_STRING_SCHEMA)
            .field("control_id", Schema.STRING_SCHEMA)
            .field("version", Schema.STRING_SCHEMA)
            .field("processing_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("sending_application", Schema.OPTIONAL_STRING_SCHEMA)
            .field("sending_facility", Schema.OPTIONAL_STRING_SCHEMA)
            .field("receiving_application", Schema.OPTIONAL_STRING_SCHEMA)
            .field("receiving_facility", Schema.OPTIONAL_STRING_SCHEMA)
            .field("message_time", Timestamp.builder().optional().build())
            .field("patient_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("patient_id_authority", Schema.OPTIONAL_STRING_SCHEMA)
            .field("received_at", Timestamp.SCHEMA)
            .field("remote_address", Schema.OPTIONAL_STRING_SCHEMA)
            .field("raw", Schema.STRING_SCHEMA)
            .build();

    static Struct message(String raw) {
        return new Struct(MESSAGE).put("message_type", "ADT").put("trigger_event", "A01")
                .put("message_structure", "ADT_A01").put("control_id", "MSG0001").put("version", "2.5")
                .put("processing_id", "P").put("sending_application", "EPIC").put("sending_facility", "HOSP")
                .put("receiving_application", "LAB").put("receiving_facility", "HOSP")
                .put("message_time", new Date(1715947200000L)).put("patient_id", "MRN123456")
                .put("patient_id_authority", "HOSP").put("received_at", new Date(1715947201000L))
                .put("remote_address", "10.1.2.3:51000").put("raw", raw);
    }

    static <T extends MaskPhi<SourceRecord>> T configure(T transform, String... keyValues) {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        transform.configure(config);
        return transform;
    }

    static MaskPhi.Value<SourceRecord> value(String... config) {
        return configure(new MaskPhi.Value<>(CLOCK), config);
    }

    static MaskPhi.Key<SourceRecord> key(String... config) {
        return configure(new MaskPhi.Key<>(CLOCK), config);
    }

    static SourceRecord record(Schema keySchema, Object key, Schema valueSchema, Object value) {
        return new SourceRecord(Map.of(), Map.of(), "hl7.ADT", 0, keySchema, key, valueSchema, value);
    }

    static void assertNoIdentifier(String text) {
        for (String identifier : IDENTIFIERS) {
            assertThat(text).as("identifier %s", identifier).doesNotContain(identifier);
        }
    }

    @Test
    void nullValuesAndTombstonesPassUnchanged() {
        MaskPhi.Value<SourceRecord> t = value("profile", "safe-harbor");
        SourceRecord tombstone = record(Schema.STRING_SCHEMA, "MRN123456", null, null);
        assertThat(t.apply(tombstone)).isSameAs(tombstone);
        MaskPhi.Key<SourceRecord> k = key("profile", "pseudonymize", "hash.key", KEY);
        SourceRecord noKey = record(null, null, Schema.STRING_SCHEMA, "x");
        assertThat(k.apply(noKey)).isSameAs(noKey);
        SourceRecord keyedTombstone = k.apply(tombstone);
        assertThat(keyedTombstone.value()).isNull();
        assertThat(keyedTombstone.key()).isNotEqualTo("MRN123456");
    }

    @Test
    void hl7SourceStructHasItsRawTextAndItsStructuredFieldsMasked() {
        SourceRecord out = value("profile", "safe-harbor").apply(record(Schema.STRING_SCHEMA, "MRN123456", MESSAGE,
                message(adtA01("2.5"))));
        Struct masked = (Struct) out.value();
        masked.validate();
        assertNoIdentifier(masked.toString());
        assertThat(masked.get("patient_id")).isNull();
        assertThat(masked.get("patient_id_authority")).isNull();
        assertThat(masked.getString("control_id")).isEqualTo("MSG0001");
        assertThat(masked.getString("sending_facility")).isEqualTo("HOSP");
        assertThat(masked.get("message_time")).isEqualTo(new Date(1704067200000L)); // 2024-01-01
        assertThat(masked.get("received_at")).isEqualTo(new Date(1704067200000L));
        assertThat(masked.getString("raw")).startsWith("MSH|^~\\&|EPIC|HOSP|LAB|HOSP|2024||ADT^A01^ADT_A01|MSG0001");
        assertThat(out.valueSchema().name()).isEqualTo("com.healthcare.hl7.Message");
        assertThat(out.key()).as("the value transform leaves the key to MaskPhi$Key").isEqualTo("MRN123456");
    }

    @Test
    void pseudonymsAgreeAcrossKeyStructuredFieldAndRawText() {
        MaskPhi.Value<SourceRecord> v = value("profile", "pseudonymize", "hash.key", KEY);
        MaskPhi.Key<SourceRecord> k = key("profile", "pseudonymize", "hash.key", KEY);
        SourceRecord out = k.apply(v.apply(record(Schema.STRING_SCHEMA, "MRN123456", MESSAGE,
                message(adtA01("2.5")))));
        Struct masked = (Struct) out.value();
        String pseudonym = (String) out.key();
        assertThat(pseudonym).startsWith(MaskFunctions.HASH_PREFIX);
        assertThat(masked.getString("patient_id")).isEqualTo(pseudonym);
        assertThat(masked.getString("patient_id_authority")).isEqualTo("HOSP");
        assertThat(masked.getString("raw")).contains("|" + pseudonym + "^^^HOSP^MR~");
        assertThat(masked.getString("raw")).doesNotContain("MRN123456").doesNotContain("DOE");
    }

    @Test
    void keysAreNullUnderSafeHarborAndKeptUnderNone() {
        SourceRecord in = record(Schema.STRING_SCHEMA, "MRN123456", Schema.STRING_SCHEMA, "x");
        SourceRecord out = key("profile", "safe-harbor").apply(in);
        assertThat(out.key()).isNull();
        assertThat(out.keySchema().isOptional()).isTrue();
        assertThat(out.value()).isEqualTo("x");
        assertThat(key("profile", "none", "rules", "PID-3:redact").apply(in).key()).isEqualTo("MRN123456");
        Schema keySchema = SchemaBuilder.struct().field("facility", Schema.STRING_SCHEMA)
                .field("mrn", Schema.STRING_SCHEMA).build();
        Struct structKey = new Struct(keySchema).put("facility", "F1").put("mrn", "MRN123456");
        SourceRecord keyed = key("rules", "mrn:redact").apply(record(keySchema, structKey, null, null));
        assertThat(((Struct) keyed.key()).get("mrn")).isNull();
        assertThat(((Struct) keyed.key()).get("facility")).isEqualTo("F1");
        SourceRecord pseudo = key("profile", "pseudonymize", "hash.key", KEY).apply(record(keySchema, structKey,
                null, null));
        assertThat(((Struct) pseudo.key()).getString("facility")).startsWith("hmac-");
        assertThat(((Struct) pseudo.key()).getString("mrn")).isEqualTo(new MaskFunctions(KEY.getBytes(
                StandardCharsets.UTF_8), "", MaskFunctions.RESTRICTED_ZIP3, 365, CLOCK).hash("MRN123456"));
    }

    @Test
    void byteKeysOfAMirrorCopyAreHashedAsBytes() {
        byte[] key = "MRN123456".getBytes(StandardCharsets.UTF_8);
        SourceRecord out = key("profile", "pseudonymize", "hash.key", KEY).apply(record(null, key, null, null));
        assertThat(new String((byte[]) out.key(), StandardCharsets.UTF_8)).isEqualTo(new MaskFunctions(
                KEY.getBytes(StandardCharsets.UTF_8), "", MaskFunctions.RESTRICTED_ZIP3, 365, CLOCK).hash("MRN123456"));
        assertThat(key("profile", "safe-harbor").apply(record(null, key, null, null)).key()).isNull();
    }

    @Test
    void seedFieldsAndReplacementWorkAsReplaceRules() {
        SourceRecord out = value("fields", "PID.19,PID.18,PID-11", "replacement", "[REDACTED]").apply(
                record(Schema.STRING_SCHEMA, "MRN123456", MESSAGE, message(adtA01("2.5"))));
        String raw = ((Struct) out.value()).getString("raw");
        assertThat(raw).contains("|[REDACTED]|[REDACTED]|D1234567^IL^20300101|").doesNotContain("123-45-6789").doesNotContain("ACCT7654321")
                .doesNotContain("123 MAIN ST^APT 4").contains("MRN123456").contains("DOE^JANE");
        assertThat(((Struct) out.value()).getString("patient_id")).isEqualTo("MRN123456");
    }

    @Test
    void bytesOfHl7TextOfItsJsonAndOfAJsonConverterEnvelopeAreMasked() throws Exception {
        MaskPhi.Value<SourceRecord> t = value("profile", "safe-harbor");
        byte[] rawBytes = adtA01("2.5").getBytes(StandardCharsets.UTF_8);
        byte[] masked = (byte[]) t.apply(record(null, null, Schema.BYTES_SCHEMA, rawBytes)).value();
        assertNoIdentifier(new String(masked, StandardCharsets.UTF_8));

        JsonConverter schemaless = new JsonConverter();
        schemaless.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
        byte[] json = schemaless.fromConnectData("hl7.ADT", MESSAGE, message(adtA01("2.5")));
        byte[] maskedJson = (byte[]) t.apply(record(null, null, null, json)).value();
        JsonNode tree = JSON.readTree(maskedJson);
        assertNoIdentifier(tree.toString());
        assertThat(tree.path("patient_id").isNull()).isTrue();
        assertThat(tree.path("raw").asText()).startsWith("MSH|");

        JsonConverter withSchema = new JsonConverter();
        withSchema.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        byte[] envelope = withSchema.fromConnectData("hl7.ADT", MESSAGE, message(adtA01("2.5")));
        byte[] maskedEnvelope = (byte[]) t.apply(record(null, null, null, envelope)).value();
        assertNoIdentifier(new String(maskedEnvelope, StandardCharsets.UTF_8));
        SchemaAndValue back = withSchema.toConnectData("copy", maskedEnvelope);
        ((Struct) back.value()).validate();
        assertThat(((Struct) back.value()).get("patient_id")).isNull();
    }

    @Test
    void latin1Hl7BytesKeepTheirCharset() {
        String text = adtA01("2.5").replace("UNICODE UTF-8", "8859/1").replace("Blue Cross", "Bl\u00e9 Cr\u00f6ss");
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] masked = (byte[]) value("profile", "safe-harbor").apply(record(null, null, null, bytes)).value();
        String decoded = new String(masked, StandardCharsets.ISO_8859_1);
        assertThat(decoded).contains("Bl\u00e9 Cr\u00f6ss");
        assertNoIdentifier(decoded);
    }

    @Test
    void unrecognisedTextIsRedactedWholeUnderAProfileNeverPassedOnNorFailed() {
        SourceRecord plain = record(null, null, Schema.STRING_SCHEMA, "Jane Doe called about her results");
        SourceRecord out = value("profile", "safe-harbor").apply(plain);
        assertThat(out.value()).isEqualTo("");
        assertThat(out.valueSchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(out.headers().lastWithName(MaskPhi.HEADER_REDACTED).value()).isEqualTo("value");
        assertThat((String) out.headers().lastWithName(MaskPhi.HEADER_REDACTED_REASON).value())
                .contains("neither HL7 v2 nor JSON").doesNotContain("Jane");
        assertThat(value("rules", "after.ssn:redact").apply(plain)).isSameAs(plain);
        SourceRecord strict = value("format", "hl7", "rules", "PID-5:redact").apply(plain);
        assertThat(strict.value()).isEqualTo("");
        assertThat((String) strict.headers().lastWithName(MaskPhi.HEADER_REDACTED_REASON).value())
                .contains("HL7 v2").doesNotContain("Jane");
        byte[] garbage = {0x00, (byte) 0xff, 'J', 'a', 'n', 'e'};
        SourceRecord bytes = value("fields", "PID.19").apply(record(null, null, Schema.OPTIONAL_BYTES_SCHEMA,
                garbage));
        assertThat((byte[]) bytes.value()).isEmpty();
        assertThat(bytes.headers().lastWithName(MaskPhi.HEADER_REDACTED)).isNotNull();
        SourceRecord badJson = value("profile", "safe-harbor").apply(record(null, null, Schema.STRING_SCHEMA,
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Doe\""));
        assertThat(badJson.value()).isEqualTo("");
    }

    @Test
    void hashKeyIsRequiredWhenHashOrDateshiftIsUsed() {
        assertThatThrownBy(() -> value("profile", "pseudonymize")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hash.key is required: the pseudonymize profile");
        assertThatThrownBy(() -> value("rules", "PID-7:dateshift")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hash.key is required: rule 'PID-7:dateshift'");
        assertThatThrownBy(() -> value("rules", "PID-7:hash", "hash.key", "short"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 16").hasMessageNotContaining("short");
        value("rules", "PID-7:hash", "hash.key", KEY);
        value("rules", "PID-7:year");
    }

    static Map<String, List<String>> errors(Map<String, String> props) {
        return MaskPhi.CONFIG_DEF.validate(props).stream().filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void validationReportsEachMistakeOnItsKey() {
        assertThat(errors(Map.of("profile", "pseudonymize"))).containsOnlyKeys("hash.key")
                .extractingByKey("hash.key").asString().contains("hash.key is required");
        assertThat(errors(Map.of("rules", "PID-19:scramble,after.ssn:hash"))).containsOnlyKeys("rules",
                "hash.key");
        assertThat(errors(Map.of("rules", "PID-19:scramble")).get("rules").get(0))
                .contains("unknown method 'scramble'").contains("keep-last:N");
        assertThat(errors(Map.of("fields", "MSH.2"))).containsOnlyKeys("fields");
        assertThat(errors(Map.of("profile", "hipaa"))).containsOnlyKeys("profile");
        assertThat(errors(Map.of("format", "xml", "rules", "PID-5:redact"))).containsOnlyKeys("format");
        assertThat(errors(Map.of("dateshift.max.days", "0", "profile", "safe-harbor")))
                .containsOnlyKeys("dateshift.max.days");
        assertThat(errors(Map.of("zip3.restricted", "36", "profile", "safe-harbor")))
                .containsOnlyKeys("zip3.restricted");
        assertThat(errors(Map.of("profile", "pseudonymize", "hash.key", KEY))).isEmpty();
        assertThat(errors(Map.of("fields", "PID.19,PID.18,PID.11", "replacement", "[REDACTED]"))).isEmpty();
    }

    @Test
    void validationRejectsRulesOnPathsThatCannotExistAndAProfileThatMasksNothing() {
        assertThat(errors(Map.of())).containsOnlyKeys("profile").extractingByKey("profile").asString()
                .contains("masks nothing");
        assertThat(errors(Map.of("rules", "PID-5:keep"))).containsOnlyKeys("profile");
        assertThatThrownBy(() -> value("profile", "none")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("masks nothing");
        assertThat(errors(Map.of("rules", "PID-99:redact,XYZ-1:redact,Patient.adress:redact,Resource.nmae:redact",
                "fields", "PV1.999"))).containsOnlyKeys("rules", "fields");
        String rules = errors(Map.of("rules", "PID-99:redact,XYZ-1:redact,Patient.adress:redact")).get("rules")
                .get(0);
        assertThat(rules).contains("'PID-99': PID has 40 fields").contains("no segment XYZ")
                .contains("'Patient.adress': no such element");
        assertThatThrownBy(() -> value("rules", "PID-41:redact")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("PID has 40 fields");
        assertThat(errors(Map.of("rules", "ZPI-77:redact,QPD-9:redact,CTD-5:redact,Patient.contact.name.family:redact,"
                + "Patient.deceased:year,Resource.identifier:redact,Observation.value:redact,after.anything:redact")))
                .isEmpty();
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(new MaskPhi.Value<SourceRecord>().version()).isNotBlank().doesNotContain("${");
    }
}
