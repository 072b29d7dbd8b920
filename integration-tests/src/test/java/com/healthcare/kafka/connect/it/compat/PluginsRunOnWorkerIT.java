package com.healthcare.kafka.connect.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.healthcare.kafka.connect.it.harness.Mllp;

/**
 * The zips do not only load on the worker version of this run (Kafka 4.3 by default, 3.9 with -Pkafka-3.9): they
 * run. On one worker: the HL7 source from MLLP frame to AA to Kafka record; the four SMTs chained behind it; the
 * FHIR source polling a FHIR server; and the validate endpoint's messages for wrong configs. Only REST, sockets
 * and Kafka are used, so this class compiles against both runtimes.
 */
class PluginsRunOnWorkerIT {

    static final String HL7 = "com.healthcare.kafka.connect.hl7.Hl7SourceConnector";
    static final String FHIR = "com.healthcare.kafka.connect.fhir.FhirSourceConnector";
    static final String TRANSFORMS = "com.healthcare.kafka.connect.transforms.";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    static final String FAMILY = "Zzyzxqueen";
    static final String GIVEN = "Quintavia";
    static final String STREET = "4711 Larkspur Lane";
    static final String PHONE = "555-0147";

    static ConnectWorker worker;
    static String workerVersion;

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("compat-run");
        workerVersion = worker.getJson("").path("version").asText();
        assertThat(workerVersion).isEqualTo(System.getProperty("healthcare.worker.kafka.version"));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    static String adt(String controlId, String mrn) {
        return String.join("\r",
                "MSH|^~\\&|LAB|GENERAL HOSPITAL|EHR|GENERAL HOSPITAL|20261123101500||ADT^A01^ADT_A01|" + controlId
                        + "|P|2.5",
                "EVN|A01|20261123101500",
                "PID|1||" + mrn + "^^^GH^MR||" + FAMILY + "^" + GIVEN + "||19800102|F|||" + STREET
                        + "^^Springfield^IL^62701||" + PHONE,
                "PV1|1|I|WARD^101^1") + "\r";
    }

    static Map<String, String> hl7Source(int port, String prefix) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", HL7);
        c.put("tasks.max", "1");
        c.put("hl7.listener.host", "127.0.0.1");
        c.put("hl7.listener.port", Integer.toString(port));
        c.put("topic.prefix", prefix);
        c.put("topic.creation.default.replication.factor", "1");
        c.put("topic.creation.default.partitions", "1");
        return c;
    }

    /** Sends until the listener (which opens once the task started) answers, and returns the ACK. */
    static String sendWhenListening(int port, String message) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return Mllp.exchange(port, message, 60_000);
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200); // retry interval while the task opens its listener, not synchronisation
            }
        }
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }

    static List<ConsumerRecord<byte[], byte[]>> consume(int expected, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = worker.consume(expected, TIMEOUT, topic);
        assertThat(records).as("records on %s", topic).hasSizeGreaterThanOrEqualTo(expected);
        return records;
    }

    static JsonNode json(byte[] bytes) throws Exception {
        return ConnectWorker.JSON.readTree(bytes);
    }

    @Test
    void hl7SourceAcknowledgesOnlyWhatKafkaHolds() throws Exception {
        int port = ConnectWorker.freePort();
        worker.startConnector("compat-hl7", hl7Source(port, "compat."), 1);

        String ack = sendWhenListening(port, adt("CMP-0001", "MRN-0001"));

        assertThat(Mllp.segment(ack, "MSA")).as("ACK of the worker %s", workerVersion)
                .startsWith("MSA|AA|CMP-0001");
        ConsumerRecord<byte[], byte[]> record = consume(1, "compat.ADT").get(0);
        assertThat(text(record.key())).as("key = PID-3.1").isEqualTo("MRN-0001");
        assertThat(header(record, "hl7.control.id")).isEqualTo("CMP-0001");
        assertThat(json(record.value()).toString()).contains("PID|1||MRN-0001");
    }

    @Test
    void smtChainTransformsWhatTheSourceReceives() throws Exception {
        int port = ConnectWorker.freePort();
        Map<String, String> c = hl7Source(port, "chain.");
        c.put("output.format", "raw");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "false");
        c.put("transforms", "toFhir,mask,maskKey,extract,facility");
        c.put("transforms.toFhir.type", TRANSFORMS + "Hl7ToFhir");
        c.put("transforms.toFhir.bundle.type", "collection");
        c.put("transforms.toFhir.behavior.on.error", "fail");
        c.put("transforms.mask.type", TRANSFORMS + "MaskPhi$Value");
        c.put("transforms.mask.profile", "safe-harbor");
        // The source's key is the patient id (PID-3.1): an identifier too.
        c.put("transforms.maskKey.type", TRANSFORMS + "MaskPhi$Key");
        c.put("transforms.maskKey.profile", "safe-harbor");
        c.put("transforms.extract.type", TRANSFORMS + "FhirResourceExtractor");
        c.put("transforms.extract.bundle.entry.type", "Patient");
        c.put("transforms.extract.output.format", "map");
        // Converted Bundles carry urn:uuid fullUrls and no server ids: keep the (masked) key.
        c.put("transforms.extract.key.format", "unchanged");
        c.put("transforms.extract.topic.format", "${topic}.${resourceType}");
        c.put("transforms.facility.type", TRANSFORMS + "FacilityMetadata");
        c.put("transforms.facility.facility.code", "FAC-0042");
        c.put("transforms.facility.facility.name", "General Hospital");
        c.put("transforms.facility.key.mode", "none");
        worker.startConnector("compat-chain", c, 1);

        String ack = sendWhenListening(port, adt("CMP-0002", "MRN-0002"));

        assertThat(Mllp.segment(ack, "MSA")).startsWith("MSA|AA|CMP-0002");
        ConsumerRecord<byte[], byte[]> record = consume(1, "chain.ADT.Patient").get(0);
        JsonNode patient = json(record.value());
        assertThat(patient.path("resourceType").asText()).as("extracted resource").isEqualTo("Patient");
        assertThat(header(record, "fhir.bundle.type")).as("made by Hl7ToFhir").isEqualTo("collection");
        assertThat(patient.path("birthDate").asText()).as("safe-harbor keeps the year").isEqualTo("1980");
        assertThat(patient.path("facility_code").asText()).isEqualTo("FAC-0042");
        assertThat(patient.path("facility_name").asText()).isEqualTo("General Hospital");
        assertThat(patient.path("gender").asText()).as("non-identifying data stays").isEqualTo("female");
        // safe-harbor redacts a primitive patient-id key (null); whatever is there must not be the MRN
        StringBuilder everything = new StringBuilder(String.valueOf(text(record.key()))).append(patient);
        record.headers().forEach(h -> everything.append(h.key()).append('=').append(text(h.value())));
        assertThat(everything.toString()).as("masked record")
                .doesNotContain(FAMILY, GIVEN, STREET, PHONE, "MRN-0002", "1980-01-02");
    }

    @Test
    void fhirSourcePollsTheServer() throws Exception {
        try (CompatFhirServer server = CompatFhirServer.start(workerVersion)) {
            System.out.println("FHIR server of the compat run on Kafka " + workerVersion + ": "
                    + server.description());
            Instant since = Instant.now().minusSeconds(1);
            for (int i = 1; i <= 3; i++) {
                server.putPatient("cmp-" + i, "Family" + i, "Given" + i, "CMP-MRN-" + i);
            }
            Map<String, String> c = new HashMap<>();
            c.put("connector.class", FHIR);
            c.put("tasks.max", "1");
            c.put("fhir.url", server.baseUrl());
            c.put("fhir.resource.types", "Patient");
            c.put("fhir.deletes.enabled", "false");
            c.put("fhir.poll.interval.ms", "300");
            c.put("fhir.since", since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
            c.put("topic.prefix", "cfhir.");
            c.put("topic.creation.default.replication.factor", "1");
            c.put("topic.creation.default.partitions", "1");
            c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
            worker.startConnector("compat-fhir", c, 1);

            List<ConsumerRecord<byte[], byte[]>> first = consume(3, "cfhir.Patient");
            assertThat(first).extracting(r -> text(r.key()))
                    .containsExactlyInAnyOrder("Patient/cmp-1", "Patient/cmp-2", "Patient/cmp-3");
            assertThat(json(first.get(0).value()).path("resourceType").asText()).isEqualTo("Patient");

            server.putPatient("cmp-2", "Renamed", "Given2", "CMP-MRN-2");
            List<ConsumerRecord<byte[], byte[]>> all = consume(4, "cfhir.Patient");
            ConsumerRecord<byte[], byte[]> update = all.get(all.size() - 1);
            assertThat(text(update.key())).isEqualTo("Patient/cmp-2");
            assertThat(header(update, "fhir.version.id")).isEqualTo("2");
            assertThat(text(update.value())).contains("Renamed");
            assertThat(worker.consume(5, Duration.ofSeconds(3), "cfhir.Patient")).as("no duplicates").hasSize(4);
        }
    }

    static JsonNode errorsOf(JsonNode validation, String key) {
        for (JsonNode config : validation.path("configs")) {
            if (key.equals(config.path("value").path("name").asText())) {
                return config.path("value").path("errors");
            }
        }
        throw new AssertionError("no " + key + " in the validation result: " + validation);
    }

    @Test
    void validateEndpointExplainsMistakes() {
        Map<String, String> hl7 = hl7Source(2575, "v.");
        hl7.put("name", "compat-validate-hl7");
        assertThat(worker.validateJson(HL7, hl7).path("error_count").asInt()).as(ConnectWorker.errors(
                worker.validateJson(HL7, hl7))).isZero();

        Map<String, String> badPort = new HashMap<>(hl7);
        badPort.put("hl7.listener.port", "70000");
        assertThat(errorsOf(worker.validateJson(HL7, badPort), "hl7.listener.port").toString())
                .contains("70000").contains("65535");

        Map<String, String> badSmt = new HashMap<>(hl7);
        badSmt.put("transforms", "toFhir");
        badSmt.put("transforms.toFhir.type", TRANSFORMS + "Hl7ToFhir");
        badSmt.put("transforms.toFhir.bundle.type", "pile");
        assertThat(errorsOf(worker.validateJson(HL7, badSmt), "transforms.toFhir.bundle.type").toString())
                .contains("pile").containsIgnoringCase("transaction");

        Map<String, String> fhir = new HashMap<>();
        fhir.put("name", "compat-validate-fhir");
        fhir.put("connector.class", FHIR);
        fhir.put("fhir.url", "ftp://fhir.example.org/fhir");
        fhir.put("fhir.resource.types", "Patient,Pateint");
        JsonNode fhirResult = worker.validateJson(FHIR, fhir);
        assertThat(errorsOf(fhirResult, "fhir.url").toString()).contains("absolute http(s) URL");
        assertThat(errorsOf(fhirResult, "fhir.resource.types").toString()).contains("Pateint");
    }
}
