package com.healthcare.kafka.connect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMT: inputs, outputs, headers, error handling, configuration and concurrency. */
class Hl7ToFhirTest {

    static final Schema MESSAGE_SCHEMA = SchemaBuilder.struct().name("com.healthcare.hl7.Message")
            .field("message_type", Schema.STRING_SCHEMA).field("trigger_event", Schema.OPTIONAL_STRING_SCHEMA)
            .field("message_structure", Schema.OPTIONAL_STRING_SCHEMA).field("control_id", Schema.STRING_SCHEMA)
            .field("version", Schema.STRING_SCHEMA).field("processing_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("sending_application", Schema.OPTIONAL_STRING_SCHEMA)
            .field("sending_facility", Schema.OPTIONAL_STRING_SCHEMA)
            .field("receiving_application", Schema.OPTIONAL_STRING_SCHEMA)
            .field("receiving_facility", Schema.OPTIONAL_STRING_SCHEMA)
            .field("message_time", Schema.OPTIONAL_STRING_SCHEMA).field("patient_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("patient_id_authority", Schema.OPTIONAL_STRING_SCHEMA)
            .field("received_at", Schema.OPTIONAL_INT64_SCHEMA).field("remote_address", Schema.OPTIONAL_STRING_SCHEMA)
            .field("raw", Schema.STRING_SCHEMA).build();

    static final String ADT = "MSH|^~\\&|EPIC|HOSP|RCV|RFAC|20240312083015-0500||ADT^A01^ADT_A01|CTRL42|P|2.5.1\r"
            + "EVN|A01|20240312083000-0500\r"
            + "PID|1||MRN1^^^HOSP^MR||DOE^JANE||19800101|F\r"
            + "PV1|1|I|4W^401^A^HOSP||||||||||||||||V1^^^HOSP^VN|||||||||||||||||||||||||20240312080000-0500\r";
    static final String MALFORMED_DOB = "MSH|^~\\&|EPIC|HOSP|||20240312||ADT^A01|CTRL43|P|2.5\rPID|1||MRN1^^^HOSP||DOE^JANE||19801341";
    /** No patient identifier at all: the identity a transaction needs is unusable, so the message is routed. */
    static final String NO_PATIENT_ID = "MSH|^~\\&|EPIC|HOSP|||20240312||ADT^A01|CTRL43|P|2.5\rPID|1||||DOE^JANE||19801341";

    private final Hl7ToFhir<SourceRecord> smt = new Hl7ToFhir<>();

    @AfterEach
    void close() {
        smt.close();
    }

    private static SourceRecord record(Schema schema, Object value) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("hl7.control.id", "CTRL42");
        headers.addString("content-type", "application/hl7-v2");
        headers.addString("hl7.message.type", "ADT");
        return new SourceRecord(Map.of("port", 2575), Map.of("seq", 7L), "hl7.ADT", 3, Schema.STRING_SCHEMA,
                "MRN1", schema, value, 1_700_000_000_000L, headers);
    }

    static Struct struct(String raw) {
        return new Struct(MESSAGE_SCHEMA).put("message_type", "ADT").put("trigger_event", "A01")
                .put("control_id", "CTRL42").put("version", "2.5.1").put("raw", raw);
    }

    @Test
    void convertsTheHl7SourceStructToABundleString() {
        smt.configure(Map.of());
        SourceRecord out = smt.apply(record(MESSAGE_SCHEMA, struct(ADT)));
        assertThat(out.topic()).isEqualTo("hl7.ADT");
        assertThat(out.kafkaPartition()).isEqualTo(3);
        assertThat(out.key()).isEqualTo("MRN1");
        assertThat(out.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(out.sourceOffset()).isEqualTo(Map.of("seq", 7L));
        assertThat(out.valueSchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat((String) out.value()).startsWith("{\"resourceType\":\"Bundle\"").contains("\"type\":\"transaction\"");
        assertThat(out.headers().lastWithName("content-type").value()).isEqualTo("application/fhir+json");
        assertThat(out.headers().allWithName("content-type")).toIterable().hasSize(1);
        assertThat(out.headers().lastWithName("fhir.bundle.type").value()).isEqualTo("transaction");
        assertThat(out.headers().lastWithName("fhir.resource.types").value())
                .isEqualTo("Patient,Encounter,Location,Organization,Provenance");
        assertThat(out.headers().lastWithName("hl7.control.id").value()).isEqualTo("CTRL42");
        assertThat(out.headers().lastWithName("hl7.message.type").value()).as("other headers kept").isEqualTo("ADT");
    }

    @Test
    void acceptsSchemalessMapsRawStringsAndBytes() {
        smt.configure(Map.of("bundle.type", "collection"));
        Map<String, Object> map = new HashMap<>();
        map.put("raw", ADT);
        SourceRecord fromMap = smt.apply(record(null, map));
        assertThat(fromMap.valueSchema()).isNull();
        assertThat((String) fromMap.value()).contains("\"type\":\"collection\"");
        assertThat((String) smt.apply(record(Schema.STRING_SCHEMA, ADT)).value()).contains("\"resourceType\":\"Bundle\"");

        String latin1 = ADT.replace("2.5.1\r", "2.5.1||||||8859/1\r").replace("DOE^JANE", "MÜLLER^JOSÉ");
        SourceRecord fromBytes = smt.apply(record(Schema.BYTES_SCHEMA, latin1.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat((String) fromBytes.value()).contains("MÜLLER").contains("JOSÉ");
        SourceRecord fromUtf8 = smt.apply(record(null, ADT.replace("DOE^JANE", "MÜLLER^JOSÉ").getBytes(StandardCharsets.UTF_8)));
        assertThat((String) fromUtf8.value()).contains("MÜLLER");
    }

    @Test
    void tombstonesPassThrough() {
        smt.configure(Map.of());
        SourceRecord tombstone = record(MESSAGE_SCHEMA, null);
        assertThat(smt.apply(tombstone)).isSameAs(tombstone);
    }

    @Test
    void routesAFailedMessageWithItsOriginalValueToTheErrorTopic() {
        smt.configure(Map.of("error.topic", "fhir.errors"));
        Struct original = struct(NO_PATIENT_ID);
        SourceRecord out = smt.apply(record(MESSAGE_SCHEMA, original));
        assertThat(out.topic()).isEqualTo("fhir.errors");
        assertThat(out.kafkaPartition()).isNull();
        assertThat(out.value()).isSameAs(original);
        assertThat(out.valueSchema()).isEqualTo(MESSAGE_SCHEMA);
        assertThat(out.key()).isEqualTo("MRN1");
        assertThat(out.headers().lastWithName("hl7tofhir.error.class").value())
                .isEqualTo("com.healthcare.kafka.connect.transforms.hl7tofhir.ConversionException");
        assertThat((String) out.headers().lastWithName("hl7tofhir.error.message").value())
                .startsWith("PID-3 holds no patient identifier").doesNotContain("DOE");
        assertThat(out.headers().lastWithName("hl7tofhir.error.topic").value()).isEqualTo("hl7.ADT");
        assertThat(out.sourceOffset()).as("offsets still commit").isEqualTo(Map.of("seq", 7L));

        SourceRecord garbage = smt.apply(record(Schema.STRING_SCHEMA, "this is not HL7"));
        assertThat(garbage.topic()).isEqualTo("fhir.errors");
        assertThat(garbage.headers().lastWithName("hl7tofhir.error.class").value())
                .isEqualTo("com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2ParseException");
        SourceRecord wrongType = smt.apply(record(null, 42));
        assertThat(wrongType.topic()).isEqualTo("fhir.errors");
        assertThat((String) wrongType.headers().lastWithName("hl7tofhir.error.message").value())
                .contains("unsupported value type");
    }

    @Test
    void recordsAlreadyBoundForTheErrorTopicAreLeftAlone() {
        smt.configure(Map.of("error.topic", "hl7.ADT"));
        SourceRecord onErrorTopic = record(Schema.STRING_SCHEMA, ADT);
        assertThat(smt.apply(onErrorTopic)).isSameAs(onErrorTopic);
    }

    @Test
    void passthroughKeepsTopicAndValueAndFailThrows() {
        smt.configure(Map.of("behavior.on.error", "passthrough"));
        SourceRecord out = smt.apply(record(Schema.STRING_SCHEMA, NO_PATIENT_ID));
        assertThat(out.topic()).isEqualTo("hl7.ADT");
        assertThat(out.kafkaPartition()).isEqualTo(3);
        assertThat(out.value()).isEqualTo(NO_PATIENT_ID);
        assertThat(out.headers().lastWithName("hl7tofhir.error.message")).isNotNull();

        Hl7ToFhir<SourceRecord> failing = new Hl7ToFhir<>();
        failing.configure(Map.of("behavior.on.error", "FAIL"));
        assertThatThrownBy(() -> failing.apply(record(Schema.STRING_SCHEMA, NO_PATIENT_ID)))
                .isInstanceOf(DataException.class).hasMessageContaining("CTRL42").hasMessageContaining("PID-3")
                .hasMessageNotContaining("DOE");
    }

    @Test
    void anUnreadableOptionalElementIsDroppedAndNamedInTheWarningsHeader() {
        smt.configure(Map.of("error.topic", "fhir.errors"));
        SourceRecord out = smt.apply(record(Schema.STRING_SCHEMA, MALFORMED_DOB));
        assertThat(out.topic()).isEqualTo("hl7.ADT");
        assertThat((String) out.value()).contains("\"resourceType\":\"Patient\"").doesNotContain("birthDate")
                .doesNotContain("19801341");
        assertThat((String) out.headers().lastWithName("hl7tofhir.warnings").value())
                .isEqualTo("PID-7 (segment 2): not a valid HL7 date, dropped");
        SourceRecord clean = smt.apply(record(Schema.STRING_SCHEMA, ADT));
        assertThat(clean.headers().lastWithName("hl7tofhir.warnings")).isNull();
    }

    @Test
    void everyConfigMistakeGetsAClearMessage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("not-a-table.tsv"), "a\tb\n");
        Map<String, String> bad = Map.of("bundle.type", "document", "behavior.on.error", "ignore",
                "default.timezone", "Mars/Olympus", "local.system.prefix", "no scheme", "error.topic", "",
                "mapping.overrides.dir", dir.toString());
        Map<String, List<String>> errors = Hl7ToFhir.CONFIG_DEF.validate(bad).stream()
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
        assertThat(errors.get("bundle.type")).singleElement().asString().containsIgnoringCase("transaction");
        assertThat(errors.get("behavior.on.error")).singleElement().asString().containsIgnoringCase("route");
        assertThat(errors.get("default.timezone")).singleElement().asString().contains("IANA");
        assertThat(errors.get("local.system.prefix")).singleElement().asString().contains("absolute URI");
        assertThat(errors.get("error.topic")).hasSize(1);
        assertThat(errors.get("mapping.overrides.dir")).singleElement().asString().contains("not-a-table.tsv");
        assertThat(Hl7ToFhir.CONFIG_DEF.validate(Map.of("default.timezone", "America/Chicago",
                "mapping.overrides.dir", "")).stream().allMatch(v -> v.errorMessages().isEmpty())).isTrue();
    }

    @Test
    void oneInstanceConvertsConcurrentlyWithTheSameResults() throws Exception {
        smt.configure(Map.of("default.timezone", "Europe/Berlin"));
        List<String> messages = new ArrayList<>();
        for (Path p : com.healthcare.kafka.connect.transforms.hl7tofhir.CorpusAccess.files()) {
            messages.add(com.healthcare.kafka.connect.transforms.hl7tofhir.CorpusAccess.message(p));
        }
        List<Object> expected = new ArrayList<>();
        for (String m : messages) {
            expected.add(smt.apply(record(Schema.STRING_SCHEMA, m)).value());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Object>>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    List<Object> out = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        out.clear();
                        for (String m : messages) {
                            out.add(smt.apply(record(Schema.STRING_SCHEMA, m)).value());
                        }
                    }
                    return out;
                }));
            }
            for (Future<List<Object>> run : runs) {
                assertThat(run.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hasAVersion() {
        assertThat(smt.version()).isNotBlank();
    }
}
