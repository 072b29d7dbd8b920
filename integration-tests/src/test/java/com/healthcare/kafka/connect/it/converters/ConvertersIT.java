package com.healthcare.kafka.connect.it.converters;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.healthcare.kafka.connect.it.harness.Mllp;

/**
 * Every plugin's records through Kafka's converters on a real worker from the built zips: JsonConverter with schemas
 * on and off, StringConverter where the value is text, set per connector as users do. Each test reads the raw bytes
 * from Kafka and decodes them as a consumer would, and passes every schema-bearing envelope to {@link AvroCheck}
 * (Apicurio's Connect-to-Avro conversion, validation and an Avro binary round trip). One worker and one FHIR server
 * for the class; each test runs its own connectors on their own ports and topics.
 */
class ConvertersIT {

    static final String HL7_SOURCE = "com.healthcare.kafka.connect.hl7.Hl7SourceConnector";
    static final String FHIR_SOURCE = "com.healthcare.kafka.connect.fhir.FhirSourceConnector";
    static final String JSON = "org.apache.kafka.connect.json.JsonConverter";
    static final String STRING = "org.apache.kafka.connect.storage.StringConverter";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    static final List<String> MESSAGE_FIELDS = List.of("message_type", "trigger_event", "message_structure",
            "control_id", "version", "processing_id", "sending_application", "sending_facility",
            "receiving_application", "receiving_facility", "message_time", "patient_id", "patient_id_authority",
            "received_at", "remote_address", "raw");

    /** Bytes the source cannot decode in the declared (default UTF-8) charset: an error-topic record, AR. */
    static final byte[] UNDECODABLE = undecodable();
    /** Valid HL7 Hl7ToFhir does not convert (MFN, master files): routed to the error topic as the original text. */
    static final String MFN = "MSH|^~\\&|HR|GOODHEALTH|FIN|GOODHEALTH|20240312090000||MFN^M02|CV-MFN-1|P|2.5\r"
            + "MFI|PRA||UPD|||AL\rMFE|MAD|||0123^WELBY^MARCUS\rSTF|0123|0123^^^GOODHEALTH|WELBY^MARCUS";

    /** Corpus messages of each type Hl7ToFhir converts, by MSH-9.1 (the topic suffix). */
    static final Map<String, String> CORPUS = new LinkedHashMap<>();

    static {
        CORPUS.put("adt_a01_v251_admit", "ADT");
        CORPUS.put("oru_r01_v251_chemistry", "ORU");
        CORPUS.put("vxu_v04_v251_iis", "VXU");
        CORPUS.put("siu_s12_v25_appointment", "SIU");
        CORPUS.put("mdm_t02_v23_note", "MDM");
        CORPUS.put("orm_o01_v23_lab_order", "ORM");
        CORPUS.put("oml_o21_v251_lab", "OML");
        CORPUS.put("rde_o11_v251_pharmacy", "RDE");
    }

    static ConnectWorker worker;
    static FhirTestServer fhir;
    static AvroCheck avro;
    static String adt;
    static String oru;
    final List<String> connectors = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        adt = corpus("adt_a01_v251_admit");
        oru = corpus("oru_r01_v251_chemistry");
        fhir = FhirTestServer.start();
        worker = ConnectWorker.start("converters");
        avro = new AvroCheck();
    }

    @AfterAll
    static void stop() {
        AvroCheck.writeReport(BuiltZips.workDir().resolve("converters-avro-schemas.txt"));
        if (worker != null) {
            worker.close();
        }
        if (fhir != null) {
            fhir.close();
        }
    }

    @AfterEach
    void deleteConnectors() {
        connectors.forEach(c -> worker.cluster().deleteConnector(c));
    }

    // ---------------------------------------------------------------- HL7 source

    @Test
    void hl7StructWithJsonSchemasIsAnEnvelopeOfTheMessageStructAndConvertsToAvro() throws IOException {
        int port = startHl7("cv-hl7-json-on", "cvjon.", jsonConverters(true), Map.of());
        sendAdtOruAndUndecodable(port);

        Map<String, ConsumerRecord<byte[], byte[]>> byType = byTopic(consume(2, "cvjon.ADT", "cvjon.ORU"));
        for (String type : List.of("ADT", "ORU")) {
            ConsumerRecord<byte[], byte[]> record = byType.get("cvjon." + type);
            JsonNode value = json(record.value());
            JsonNode schema = value.get("schema");
            assertThat(schema.get("type").asText()).isEqualTo("struct");
            assertThat(schema.get("name").asText()).isEqualTo("com.healthcare.hl7.Message");
            assertThat(schema.get("version").asInt()).isEqualTo(1);
            assertThat(fieldNames(schema)).containsExactlyElementsOf(MESSAGE_FIELDS);
            assertThat(field(schema, "received_at").get("name").asText())
                    .isEqualTo("org.apache.kafka.connect.data.Timestamp");
            assertThat(field(schema, "raw").get("optional").asBoolean()).isFalse();
            JsonNode payload = value.get("payload");
            assertThat(payload.get("raw").asText()).isEqualTo(type.equals("ADT") ? adt : oru);
            assertThat(payload.get("message_type").asText()).isEqualTo(type);
            assertThat(payload.get("patient_id").asText()).isEqualTo(pid31(type.equals("ADT") ? adt : oru));
            assertThat(payload.get("received_at").asLong()).isCloseTo(record.timestamp(), org.assertj.core.data.Offset.offset(1L));

            JsonNode key = json(record.key());
            assertThat(key.get("schema").get("type").asText()).isEqualTo("string");
            assertThat(key.get("schema").get("optional").asBoolean()).isTrue();
            assertThat(key.get("payload").asText()).isEqualTo(payload.get("patient_id").asText());

            org.apache.avro.Schema valueSchema = avro.check("hl7 source value, output.format=struct", record.value());
            assertThat(valueSchema.getFullName()).isEqualTo("com.healthcare.hl7.Message");
            assertThat(valueSchema.getField("received_at").schema().getLogicalType().getName())
                    .isEqualTo("timestamp-millis");
            avro.check("hl7 source key (patient_id)", record.key());
        }

        ConsumerRecord<byte[], byte[]> error = consume(1, "cvjon.errors").get(0);
        JsonNode value = json(error.value());
        assertThat(value.get("schema").get("type").asText()).isEqualTo("bytes");
        assertThat(Base64.getDecoder().decode(value.get("payload").asText())).isEqualTo(UNDECODABLE);
        assertThat(header(error, "hl7.error.class")).isEqualTo("undecodable");
        avro.check("hl7 source error-topic value", error.value());
        assertThat(error.key()).as("an error record has no key: a real null key, not a JSON null").isNull();
    }

    @Test
    void hl7StructWithoutSchemasIsPlainJson() throws IOException {
        int port = startHl7("cv-hl7-json-off", "cvjoff.", jsonConverters(false), Map.of());
        sendAdtOruAndUndecodable(port);

        ConsumerRecord<byte[], byte[]> record = consume(1, "cvjoff.ADT").get(0);
        JsonNode value = json(record.value());
        assertThat(value.has("schema")).isFalse();
        assertThat(fieldNames(value)).containsExactlyElementsOf(MESSAGE_FIELDS);
        assertThat(value.get("raw").asText()).isEqualTo(adt);
        assertThat(value.get("control_id").asText()).isEqualTo("MSG00001");
        assertThat(value.get("received_at").isIntegralNumber()).isTrue();
        assertThat(json(record.key()).asText()).isEqualTo("MRN123456");

        ConsumerRecord<byte[], byte[]> error = consume(1, "cvjoff.errors").get(0);
        assertThat(Base64.getDecoder().decode(json(error.value()).asText())).isEqualTo(UNDECODABLE);
        assertThat(error.key()).isNull();
    }

    @Test
    void hl7RawWithStringConverterIsTheMessageText() throws IOException {
        int port = startHl7("cv-hl7-string", "cvstr.", stringConverters(), Map.of("output.format", "raw"));
        sendAdtOruAndUndecodable(port);

        Map<String, ConsumerRecord<byte[], byte[]>> byType = byTopic(consume(2, "cvstr.ADT", "cvstr.ORU"));
        assertThat(text(byType.get("cvstr.ADT").value())).isEqualTo(adt);
        assertThat(text(byType.get("cvstr.ORU").value())).isEqualTo(oru);
        assertThat(text(byType.get("cvstr.ADT").key())).isEqualTo("MRN123456");
        assertThat(header(byType.get("cvstr.ADT"), "content-type")).isEqualTo("x-application/hl7-v2+er7");
    }

    @Test
    void hl7RawWithJsonSchemasIsAStringEnvelope() throws IOException {
        int port = startHl7("cv-hl7-raw-json", "cvraw.", jsonConverters(true), Map.of("output.format", "raw"));
        sendAdtOruAndUndecodable(port);

        ConsumerRecord<byte[], byte[]> record = consume(1, "cvraw.ADT").get(0);
        JsonNode value = json(record.value());
        assertThat(value.get("schema").get("type").asText()).isEqualTo("string");
        assertThat(value.get("payload").asText()).isEqualTo(adt);
        avro.check("hl7 source value, output.format=raw", record.value());
    }

    /**
     * The struct path of the SMTs: the HL7 source's Struct, masked (MaskPhi$Value safe-harbor, MaskPhi$Key
     * pseudonymize), stamped (FacilityMetadata wraps the key into a Struct and adds optional fields to the value).
     */
    @Test
    void hl7StructMaskedAndStampedKeepsValidSchemasWithAndWithoutSchemas() throws IOException {
        Map<String, String> chain = new LinkedHashMap<>();
        chain.put("transforms", "maskValue,maskKey,facility");
        chain.put("transforms.maskValue.type", "com.healthcare.kafka.connect.transforms.MaskPhi$Value");
        chain.put("transforms.maskValue.profile", "safe-harbor");
        chain.put("transforms.maskKey.type", "com.healthcare.kafka.connect.transforms.MaskPhi$Key");
        chain.put("transforms.maskKey.profile", "pseudonymize");
        chain.put("transforms.maskKey.hash.key", "converters-it-hash-key-0123456789");
        chain.put("transforms.facility.type", "com.healthcare.kafka.connect.transforms.FacilityMetadata");
        chain.put("transforms.facility.facility.code", "IT-FAC-01");
        chain.put("transforms.facility.facility.name", "Converter Test Clinic");

        int on = startHl7("cv-chain-struct-on", "cvcson.", merge(jsonConverters(true), chain), Map.of());
        int off = startHl7("cv-chain-struct-off", "cvcsoff.", merge(jsonConverters(false), chain), Map.of());
        for (int port : new int[] {on, off}) {
            try (Mllp mllp = new Mllp(port)) {
                assertThat(Mllp.ackCode(mllp.send(adt))).isEqualTo("AA");
            }
        }

        ConsumerRecord<byte[], byte[]> record = consume(1, "cvcson.ADT").get(0);
        JsonNode value = json(record.value());
        JsonNode schema = value.get("schema");
        assertThat(schema.get("name").asText()).isEqualTo("com.healthcare.hl7.Message");
        List<String> expectedFields = new ArrayList<>(MESSAGE_FIELDS);
        expectedFields.addAll(List.of("facility_code", "facility_name"));
        assertThat(fieldNames(schema)).containsExactlyElementsOf(expectedFields);
        assertThat(field(schema, "facility_code").get("optional").asBoolean()).isTrue();
        JsonNode payload = value.get("payload");
        assertThat(payload.get("raw").asText()).startsWith("MSH|").doesNotContain("O'BRIEN").doesNotContain("MARGARET");
        assertThat(payload.get("facility_code").asText()).isEqualTo("IT-FAC-01");
        assertThat(payload.get("facility_name").asText()).isEqualTo("Converter Test Clinic");
        JsonNode key = json(record.key());
        assertThat(key.get("schema").get("type").asText()).isEqualTo("struct");
        assertThat(fieldNames(key.get("schema"))).containsExactly("id", "facility_code");
        assertThat(key.get("payload").get("id").asText()).startsWith("hmac-").doesNotContain("MRN123456");
        assertThat(key.get("payload").get("facility_code").asText()).isEqualTo("IT-FAC-01");
        avro.check("hl7 struct -> MaskPhi -> FacilityMetadata value", record.value());
        avro.check("hl7 struct -> MaskPhi$Key -> FacilityMetadata key", record.key());

        ConsumerRecord<byte[], byte[]> plain = consume(1, "cvcsoff.ADT").get(0);
        JsonNode plainValue = json(plain.value());
        assertThat(plainValue.has("schema")).isFalse();
        assertThat(plainValue.get("facility_code").asText()).isEqualTo("IT-FAC-01");
        assertThat(plainValue.get("raw").asText()).doesNotContain("O'BRIEN");
        assertThat(plainValue.get("control_id").asText()).isEqualTo("MSG00001");
        JsonNode plainKey = json(plain.key());
        assertThat(plainKey.get("facility_code").asText()).isEqualTo("IT-FAC-01");
        assertThat(plainKey.get("id").asText()).isEqualTo(key.get("payload").get("id").asText());
    }

    /**
     * The shipped HL7-to-FHIR pipeline (raw source, Hl7ToFhir, StringConverter) with MaskPhi: Bundles are FHIR JSON
     * text, Hl7ToFhir's routed originals are HL7 text, and the source's own error records (bytes) stay readable.
     */
    @Test
    void hl7ToFhirPipelineWithStringConverterIsJsonAndHl7Text() throws IOException {
        Map<String, String> config = shippedPipeline();
        // masking before the shipped cast of the source's error bytes to base64 text
        config.put("transforms", config.get("transforms").replace("toFhir", "toFhir,mask"));
        config.put("transforms.mask.type", "com.healthcare.kafka.connect.transforms.MaskPhi$Value");
        config.put("transforms.mask.profile", "safe-harbor");
        int port = startPipeline("cv-h2f-string", "cvh2fs.", config);
        try (Mllp mllp = new Mllp(port)) {
            assertThat(Mllp.ackCode(mllp.send(adt))).isEqualTo("AA");
            assertThat(Mllp.ackCode(mllp.send(MFN))).isEqualTo("AA");
            assertThat(Mllp.ackCode(mllp.send(UNDECODABLE))).isEqualTo("AR");
        }

        ConsumerRecord<byte[], byte[]> bundle = consume(1, "cvh2fs.ADT").get(0);
        JsonNode json = json(bundle.value());
        assertThat(json.get("resourceType").asText()).isEqualTo("Bundle");
        assertThat(text(bundle.value())).doesNotContain("O'BRIEN").doesNotContain("MARGARET");
        assertThat(header(bundle, "content-type")).isEqualTo("application/fhir+json");

        Map<String, ConsumerRecord<byte[], byte[]>> errors = consume(2, "cvh2fs.errors").stream().collect(
                Collectors.toMap(r -> header(r, "hl7tofhir.error.class") != null ? "hl7tofhir" : "source",
                        Function.identity()));
        assertThat(text(errors.get("hl7tofhir").value())).startsWith("MSH|").contains("MFN^M02")
                .doesNotContain("O'BRIEN");
        // The source's error record is bytes (masked byte-transparently): the pipeline casts them to base64 text for
        // StringConverter, which would otherwise write "[B@..." and lose them.
        ConsumerRecord<byte[], byte[]> sourceError = errors.get("source");
        assertThat(header(sourceError, "hl7.error.class")).isEqualTo("undecodable");
        byte[] received = Base64.getDecoder().decode(text(sourceError.value()));
        assertThat(new String(received, StandardCharsets.ISO_8859_1)).startsWith("MSH|^~\\&|LAB|GOODHEALTH|")
                .contains("|ADT^A08|CV-BAD-1|").doesNotContain("MRN999").doesNotContain("LLER^ANN");
    }

    /**
     * HL7 to a FHIR Patient Struct: Hl7ToFhir, MaskPhi on the Bundle, FhirResourceExtractor (struct), FacilityMetadata;
     * with JsonConverter schemas on and off. Hl7ToFhir's routed original keeps its STRING schema.
     */
    @Test
    void hl7ToFhirPatientStructWithJsonSchemasOnAndOff() throws IOException {
        for (boolean schemas : new boolean[] {true, false}) {
            String prefix = schemas ? "cvh2fon." : "cvh2foff.";
            Map<String, String> config = shippedPipeline();
            config.putAll(jsonConverters(schemas));
            config.put("transforms", "toFhir,mask,extract,facility");
            config.put("transforms.mask.type", "com.healthcare.kafka.connect.transforms.MaskPhi$Value");
            config.put("transforms.mask.profile", "safe-harbor");
            config.put("transforms.extract.type", "com.healthcare.kafka.connect.transforms.FhirResourceExtractor");
            config.put("transforms.extract.bundle.entry.type", "Patient");
            config.put("transforms.extract.output.format", "struct");
            // resources of a transaction Bundle have no id (urn:uuid fullUrls): keep the source's key
            config.put("transforms.extract.key.format", "unchanged");
            config.put("transforms.extract.predicate", "isError");
            config.put("transforms.extract.negate", "true");
            config.put("transforms.facility.type", "com.healthcare.kafka.connect.transforms.FacilityMetadata");
            config.put("transforms.facility.facility.code", "IT-FAC-02");
            config.put("transforms.facility.predicate", "isError");
            config.put("transforms.facility.negate", "true");
            int port = startPipeline(schemas ? "cv-h2f-on" : "cv-h2f-off", prefix, config);
            try (Mllp mllp = new Mllp(port)) {
                for (String message : CORPUS.keySet()) {
                    assertThat(Mllp.ackCode(mllp.send(corpus(message)))).as(message).isEqualTo("AA");
                }
                assertThat(Mllp.ackCode(mllp.send(MFN))).isEqualTo("AA");
            }
            // every message type's Patient (each of its own shape) is a valid Avro record
            List<ConsumerRecord<byte[], byte[]>> patients = consume(CORPUS.size(),
                    CORPUS.values().stream().map(t -> prefix + t).distinct().toArray(String[]::new));
            assertThat(patients).hasSize(CORPUS.size());
            for (ConsumerRecord<byte[], byte[]> r : patients) {
                JsonNode value = json(r.value());
                if (schemas) {
                    assertThat(value.get("schema").get("name").asText()).isEqualTo("fhir.Patient");
                    avro.check("hl7 -> Hl7ToFhir -> MaskPhi -> FhirResourceExtractor(struct) -> FacilityMetadata value",
                            r.value());
                } else {
                    assertThat(value.get("resourceType").asText()).isEqualTo("Patient");
                    assertThat(value.get("facility_code").asText()).isEqualTo("IT-FAC-02");
                }
            }
            ConsumerRecord<byte[], byte[]> patient = consume(1, prefix + "ADT").get(0);
            ConsumerRecord<byte[], byte[]> routed = consume(1, prefix + "errors").get(0);
            assertThat(header(patient, "fhir.resource.type")).isEqualTo("Patient");
            if (schemas) {
                JsonNode value = json(patient.value());
                JsonNode schema = value.get("schema");
                assertThat(schema.get("type").asText()).isEqualTo("struct");
                assertThat(schema.get("name").asText()).isEqualTo("fhir.Patient");
                // resourceType first; a transaction Bundle's resources have no id (urn:uuid fullUrls)
                assertThat(fieldNames(schema).get(0)).isEqualTo("resourceType");
                assertThat(fieldNames(schema)).contains("gender", "facility_code").doesNotContain("name");
                assertThat(value.get("payload").get("resourceType").asText()).isEqualTo("Patient");
                assertThat(value.get("payload").get("gender").asText()).isEqualTo("female");
                avro.check("hl7 -> Hl7ToFhir -> MaskPhi -> FhirResourceExtractor(struct) -> FacilityMetadata value",
                        patient.value());
                avro.check("hl7 patient_id key -> FacilityMetadata key (Struct)", patient.key());
                JsonNode original = json(routed.value());
                assertThat(original.get("schema").get("type").asText()).isEqualTo("string");
                assertThat(original.get("payload").asText()).startsWith("MSH|").contains("MFN^M02");
                avro.check("Hl7ToFhir routed original (raw source)", routed.value());
            } else {
                JsonNode value = json(patient.value());
                assertThat(value.get("resourceType").asText()).isEqualTo("Patient");
                assertThat(value.get("facility_code").asText()).isEqualTo("IT-FAC-02");
                assertThat(value.has("name")).as("safe-harbor removed the name").isFalse();
                assertThat(json(routed.value()).asText()).startsWith("MSH|").contains("MFN^M02");
            }
        }
    }

    /** The FHIR value on the raw source's Struct path: Hl7ToFhir on the struct source output gives a STRING schema. */
    @Test
    void hl7ToFhirOnTheStructSourceGivesAStringSchema() throws IOException {
        Map<String, String> config = shippedPipeline();
        config.putAll(jsonConverters(true));
        config.put("output.format", "struct");
        int port = startPipeline("cv-h2f-struct", "cvh2fst.", config);
        try (Mllp mllp = new Mllp(port)) {
            assertThat(Mllp.ackCode(mllp.send(adt))).isEqualTo("AA");
            assertThat(Mllp.ackCode(mllp.send(MFN))).isEqualTo("AA");
        }
        JsonNode bundle = json(consume(1, "cvh2fst.ADT").get(0).value());
        assertThat(bundle.get("schema").get("type").asText()).isEqualTo("string");
        assertThat(json(bundle.get("payload").asText().getBytes(StandardCharsets.UTF_8)).get("resourceType").asText())
                .isEqualTo("Bundle");
        avro.check("Hl7ToFhir value (Bundle JSON)", consume(1, "cvh2fst.ADT").get(0).value());
        ConsumerRecord<byte[], byte[]> routed = consume(1, "cvh2fst.errors").get(0);
        JsonNode original = json(routed.value());
        assertThat(original.get("schema").get("name").asText()).isEqualTo("com.healthcare.hl7.Message");
        assertThat(original.get("payload").get("control_id").asText()).isEqualTo("CV-MFN-1");
        avro.check("Hl7ToFhir routed original (struct source)", routed.value());
    }

    // ---------------------------------------------------------------- FHIR source

    /**
     * The FHIR source with StringConverter (the server's JSON text), JsonConverter with schemas (an optional string
     * envelope), without schemas (a JSON string), and FhirResourceExtractor's Struct; a delete is a real tombstone
     * (null value) under every converter, so compaction and upserting sinks see it.
     */
    @Test
    void fhirSourceThroughEveryConverterAndDeletesAreTombstones() throws IOException {
        Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
        List<Resource> resources = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Patient p = new Patient();
            p.setId("cv-p" + i);
            p.addName().setFamily("Zoë-" + i).addGiven("Ann");
            p.setGender(Enumerations.AdministrativeGender.FEMALE);
            p.getBirthDateElement().setValueAsString("1962-07-18");
            p.addIdentifier().setSystem("urn:mrn").setValue("cv-" + i);
            p.setActive(true);
            resources.add(p);
        }
        Observation o = new Observation();
        o.setId("cv-o0");
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4").setDisplay("Heart rate");
        o.setSubject(new Reference("Patient/cv-p0"));
        o.getValueQuantity().setValue(72).setUnit("/min");
        resources.add(o);
        fhir.store().putAll(resources);

        Map<String, String> extractor = new LinkedHashMap<>(jsonConverters(true));
        extractor.put("transforms", "extract");
        extractor.put("transforms.extract.type", "com.healthcare.kafka.connect.transforms.FhirResourceExtractor");
        extractor.put("transforms.extract.output.format", "struct");
        Map<String, Map<String, String>> runs = new LinkedHashMap<>();
        runs.put("cvfs.", stringConverters());
        runs.put("cvfon.", jsonConverters(true));
        runs.put("cvfoff.", jsonConverters(false));
        runs.put("cvfx.", extractor);
        runs.forEach((prefix, converters) -> startFhir("cv-fhir-" + prefix.replace(".", ""), prefix, since,
                converters));

        Map<String, List<ConsumerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
        for (String prefix : runs.keySet()) {
            records.put(prefix, consume(3, prefix + "Patient", prefix + "Observation"));
        }
        Map<String, ConsumerRecord<byte[], byte[]>> strings = byKey(records.get("cvfs."), Function.identity());
        Map<String, ConsumerRecord<byte[], byte[]>> on = byKey(records.get("cvfon."), ConvertersIT::envelopeKey);
        Map<String, ConsumerRecord<byte[], byte[]>> off = byKey(records.get("cvfoff."), ConvertersIT::jsonStringKey);
        Map<String, ConsumerRecord<byte[], byte[]>> structs = byKey(records.get("cvfx."), ConvertersIT::envelopeKey);
        assertThat(strings).containsOnlyKeys("Patient/cv-p0", "Patient/cv-p1", "Observation/cv-o0");
        assertThat(on).containsOnlyKeys(strings.keySet());
        assertThat(off).containsOnlyKeys(strings.keySet());
        assertThat(structs).containsOnlyKeys(strings.keySet());

        for (String key : strings.keySet()) {
            JsonNode resource = json(strings.get(key).value());
            assertThat(resource.get("resourceType").asText()).isEqualTo(key.substring(0, key.indexOf('/')));

            JsonNode envelope = json(on.get(key).value());
            assertThat(envelope.get("schema").get("type").asText()).isEqualTo("string");
            assertThat(envelope.get("schema").get("optional").asBoolean()).isTrue();
            assertThat(json(envelope.get("payload").asText().getBytes(StandardCharsets.UTF_8))).isEqualTo(resource);
            avro.check("fhir source value (resource JSON)", on.get(key).value());
            avro.check("fhir source key (Type/id)", on.get(key).key());

            JsonNode plain = json(off.get(key).value());
            assertThat(plain.isTextual()).isTrue();
            assertThat(json(plain.asText().getBytes(StandardCharsets.UTF_8))).isEqualTo(resource);

            JsonNode struct = json(structs.get(key).value());
            String type = resource.get("resourceType").asText();
            assertThat(struct.get("schema").get("name").asText()).isEqualTo("fhir." + type);
            assertThat(struct.get("payload").get("id").asText()).isEqualTo(resource.get("id").asText());
            avro.check("FhirResourceExtractor(struct) value of the FHIR source", structs.get(key).value());
        }
        JsonNode observation = json(structs.get("Observation/cv-o0").value());
        JsonNode valueQuantity = field(observation.get("schema"), "valueQuantity");
        assertThat(valueQuantity.get("name").asText()).isEqualTo("fhir.Observation.valueQuantity");
        assertThat(field(valueQuantity, "value").get("type").asText()).as("Quantity.value written as 72")
                .isEqualTo("double");
        assertThat(observation.get("payload").get("valueQuantity").get("value").asDouble()).isEqualTo(72.0);

        fhir.store().delete("Patient", "cv-p1");
        for (String prefix : runs.keySet()) {
            List<ConsumerRecord<byte[], byte[]>> patients = consume(3, prefix + "Patient");
            List<ConsumerRecord<byte[], byte[]>> tombstones = patients.stream().filter(r -> r.value() == null).toList();
            assertThat(tombstones).as("the delete of Patient/cv-p1 through %s is a tombstone (null value)", prefix)
                    .hasSize(1);
            assertThat(text(tombstones.get(0).key())).contains("Patient/cv-p1");
        }
    }

    // ---------------------------------------------------------------- helpers

    private int startHl7(String name, String prefix, Map<String, String> converters, Map<String, String> extra) {
        int port = ConnectWorker.freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", HL7_SOURCE);
        config.put("tasks.max", "1");
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("topic.prefix", prefix);
        config.put("poll.interval.ms", "100");
        config.put("producer.override.linger.ms", "0");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.putAll(converters);
        config.putAll(extra);
        connectors.add(name);
        worker.startConnector(name, config, 1);
        return port;
    }

    /** The shipped connector-configs/pipeline-hl7-to-fhir.json, as a map. */
    private static Map<String, String> shippedPipeline() {
        try {
            JsonNode file = ConnectWorker.JSON.readTree(
                    BuiltZips.projectRoot().resolve("connector-configs/pipeline-hl7-to-fhir.json").toFile());
            Map<String, String> config = new LinkedHashMap<>();
            file.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a pipeline config on a free port with prefix-named topics (error topic {@code <prefix>errors}). */
    private int startPipeline(String name, String prefix, Map<String, String> config) {
        int port = ConnectWorker.freePort();
        String errorTopic = prefix + "errors";
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("topic.prefix", prefix);
        config.put("hl7.error.topic", errorTopic);
        config.put("transforms.toFhir.error.topic", errorTopic);
        config.put("predicates.isError.pattern", java.util.regex.Pattern.quote(errorTopic));
        config.put("producer.override.linger.ms", "0");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        connectors.add(name);
        worker.startConnector(name, config, 1);
        return port;
    }

    private void startFhir(String name, String prefix, Instant since, Map<String, String> converters) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", FHIR_SOURCE);
        config.put("tasks.max", "1");
        config.put("fhir.url", fhir.baseUrl());
        config.put("fhir.resource.types", "Patient,Observation");
        config.put("fhir.poll.interval.ms", "500");
        config.put("fhir.since", since.toString());
        config.put("topic.prefix", prefix);
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.putAll(converters);
        connectors.add(name);
        worker.startConnector(name, config, 1);
    }

    private static void sendAdtOruAndUndecodable(int port) throws IOException {
        try (Mllp mllp = new Mllp(port)) {
            assertThat(Mllp.ackCode(mllp.send(adt))).isEqualTo("AA");
            assertThat(Mllp.ackCode(mllp.send(oru))).isEqualTo("AA");
            assertThat(Mllp.ackCode(mllp.send(UNDECODABLE))).isEqualTo("AR");
        }
    }

    static Map<String, String> jsonConverters(boolean schemas) {
        return Map.of("key.converter", JSON, "key.converter.schemas.enable", Boolean.toString(schemas),
                "value.converter", JSON, "value.converter.schemas.enable", Boolean.toString(schemas));
    }

    static Map<String, String> stringConverters() {
        return Map.of("key.converter", STRING, "value.converter", STRING);
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> merged = new LinkedHashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(int expected, String... topics) {
        // a consumer group rebalance (a topic appearing) can deliver a record twice: keep each offset once
        Map<String, ConsumerRecord<byte[], byte[]>> unique = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (unique.size() < expected && System.nanoTime() < deadline) {
            worker.consume(expected, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), topics)
                    .forEach(r -> unique.putIfAbsent(r.topic() + "/" + r.partition() + "/" + r.offset(), r));
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(unique.values());
        assertThat(records).as("records in %s", List.of(topics)).hasSizeGreaterThanOrEqualTo(expected);
        return records;
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> byTopic(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().collect(Collectors.toMap(ConsumerRecord::topic, Function.identity()));
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> byKey(List<ConsumerRecord<byte[], byte[]>> records,
                                                                     Function<String, String> key) {
        return records.stream().collect(Collectors.toMap(r -> key.apply(text(r.key())), Function.identity()));
    }

    private static String envelopeKey(String bytes) {
        return json(bytes.getBytes(StandardCharsets.UTF_8)).get("payload").asText();
    }

    private static String jsonStringKey(String bytes) {
        return json(bytes.getBytes(StandardCharsets.UTF_8)).asText();
    }

    static JsonNode json(byte[] bytes) {
        try {
            return ConnectWorker.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text(bytes), e);
        }
    }

    static List<String> fieldNames(JsonNode schemaOrObject) {
        List<String> names = new ArrayList<>();
        if (schemaOrObject.has("fields")) {
            schemaOrObject.get("fields").forEach(f -> names.add(f.get("field").asText()));
        } else {
            schemaOrObject.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    static JsonNode field(JsonNode structSchema, String name) {
        for (JsonNode f : structSchema.get("fields")) {
            if (f.get("field").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + " in " + structSchema);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }

    /** PID-3.1 of a message. */
    static String pid31(String message) {
        for (String segment : message.split("\r")) {
            if (segment.startsWith("PID|")) {
                return segment.split("\\|", -1)[3].split("[~^]")[0];
            }
        }
        throw new AssertionError("no PID");
    }

    /** A corpus message with MSH-15/16 cleared, so every message gets an original-mode acknowledgement. */
    static String corpus(String name) throws IOException {
        Path file = BuiltZips.projectRoot().resolve("healthcare-smts/src/test/resources/hl7tofhir/corpus/" + name
                + ".hl7");
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\r").replace('\n', '\r').strip();
        int end = text.indexOf('\r');
        String[] msh = text.substring(0, end).split("\\|", -1);
        for (int i = 14; i <= 15 && i < msh.length; i++) {
            msh[i] = ""; // msh[i] is MSH-(i + 1)
        }
        return String.join("|", msh) + text.substring(end);
    }

    private static byte[] undecodable() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("MSH|^~\\&|LAB|GOODHEALTH|HIE|STATE|20240312090000||ADT^A08|CV-BAD-1|P|2.5.1\r"
                + "PID|1||MRN999^^^GOODHEALTH^MR||M").getBytes(StandardCharsets.US_ASCII));
        out.write(0xFF);
        out.write(0xFE);
        out.writeBytes("LLER^ANN".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
