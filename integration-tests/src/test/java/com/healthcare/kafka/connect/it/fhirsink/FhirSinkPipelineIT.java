package com.healthcare.kafka.connect.it.fhirsink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.healthcare.kafka.connect.it.harness.Mllp;

/**
 * The whole job on a real worker from the built zips against a real HAPI FHIR JPA server: ADT^A01, ORU^R01,
 * VXU^V04 and SIU^S12 over MLLP into the HL7 source with Hl7ToFhir (connector-configs/pipeline-hl7-to-fhir.json),
 * the Bundles through the FHIR sink (connector-configs/pipeline-fhir-sink.json) into HAPI JPA; then the server is
 * searched. Also the dead letter queue for records the server rejects.
 */
class FhirSinkPipelineIT {

    static final String SOURCE = "com.healthcare.kafka.connect.hl7.Hl7SourceConnector";
    static final String SINK = "com.healthcare.kafka.connect.fhir.sink.FhirSinkConnector";
    static final List<String> MESSAGES = List.of("adt_a01_v251_admit", "oru_r01_v251_chemistry", "vxu_v04_v251_iis",
            "siu_s12_v25_appointment");

    static ConnectWorker worker;
    static JpaFhirServer server;
    static FhirServerQueries fhir;

    @BeforeAll
    static void start() {
        server = JpaFhirServer.start();
        fhir = new FhirServerQueries(server.baseUrl());
        worker = ConnectWorker.start("fhirsink");
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static Map<String, String> config(String file) throws IOException {
        JsonNode json = ConnectWorker.JSON.readTree(BuiltZips.projectRoot().resolve("connector-configs/" + file)
                .toFile());
        Map<String, String> config = new HashMap<>();
        json.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    /**
     * A corpus message in original acknowledgement mode (MSH-15/16 cleared). The SIU's PID-3 names the patient's
     * MRN without the assigning authority's OID that the ADT and ORU carry; one feed names one patient one way,
     * so it gets the ADT's CX here (otherwise it is, correctly, a second identifier system and a second Patient).
     */
    static String corpus(String name) throws IOException {
        Path file = BuiltZips.projectRoot().resolve("healthcare-smts/src/test/resources/hl7tofhir/corpus/" + name
                + ".hl7");
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\r").replace('\n', '\r').strip();
        int end = text.indexOf('\r');
        String[] msh = text.substring(0, end).split("\\|", -1);
        for (int i = 14; i <= 15 && i < msh.length; i++) {
            msh[i] = "";
        }
        return (String.join("|", msh) + text.substring(end)).replace("PID|1||MRN123456^^^GOODHEALTH^MR|",
                "PID|1||MRN123456^^^GOODHEALTH&2.16.840.1.113883.3.72.5.20&ISO^MR|");
    }

    @Test
    void shippedSinkConfigsValidateOnTheWorker() throws IOException {
        for (String file : List.of("pipeline-fhir-sink.json", "sink-fhir-server.json")) {
            Map<String, String> config = config(file);
            config.put("name", "validate-" + file);
            // the example reads its secret through a file config provider that this worker does not have
            config.computeIfPresent("fhir.auth.oauth.client.secret", (k, v) -> "not-a-real-secret");
            assertThat(ConnectWorker.errors(worker.validateJson(SINK, config))).as(file).isEmpty();
        }
        Map<String, String> bad = config("pipeline-fhir-sink.json");
        bad.put("name", "validate-bad");
        bad.put("fhir.sink.batch.mode", "bulk");
        bad.put("fhir.auth.type", "bearer");
        assertThat(ConnectWorker.errors(worker.validateJson(SINK, bad))).contains("fhir.sink.batch.mode")
                .contains("fhir.auth.bearer.token");
    }

    @Test
    void hl7MessagesLandOnTheFhirServerOnceWithResolvedReferences() throws Exception {
        int port = ConnectWorker.freePort();
        String prefix = "e2e.bundles.";
        Map<String, String> source = config("pipeline-hl7-to-fhir.json");
        source.put("hl7.listener.port", String.valueOf(port));
        source.put("hl7.listener.host", "127.0.0.1");
        source.put("topic.prefix", prefix);
        source.put("hl7.error.topic", prefix + "errors");
        source.put("transforms.toFhir.error.topic", prefix + "errors");
        source.put("predicates.isError.pattern", java.util.regex.Pattern.quote(prefix + "errors"));
        source.put("topic.creation.default.replication.factor", "1");
        source.put("topic.creation.default.partitions", "1");
        worker.startConnector("e2e-hl7", source, 1);

        Map<String, String> sink = config("pipeline-fhir-sink.json");
        sink.put("topics.regex", "e2e\\.bundles\\.(ADT|ORU|VXU|SIU)");
        sink.put("fhir.url", server.baseUrl());
        sink.put("errors.deadletterqueue.topic.name", "e2e.dlq");
        sink.put("consumer.override.metadata.max.age.ms", "500"); // see topics the source creates at once
        worker.startConnector("e2e-sink", sink, 1);

        sendAll(port);
        await("every Bundle written").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> sinkMetric("e2e-sink", "RecordsWritten") >= 4);
        assertThat(sinkMetric("e2e-sink", "RecordsDeadLettered")).isZero();

        // each Patient once, with all its identifiers
        List<JsonNode> margaret = fhir.search("Patient?identifier=MRN123456");
        assertThat(margaret).hasSize(1);
        assertThat(margaret.get(0).path("identifier").findValuesAsText("value")).contains("MRN123456", "987-65-4320");
        String patient = "Patient/" + margaret.get(0).path("id").asText();
        assertThat(fhir.search("Patient?identifier=PAT7788")).hasSize(1);
        assertThat(fhir.count("Patient")).isEqualTo(2);

        // the Encounter, Observations, DiagnosticReport, Immunization and Appointment, references resolved
        // the ADT's inpatient visit (PV1-19) once; the SIU's planned visit is a second Encounter of the patient
        List<JsonNode> encounters = fhir.search("Encounter?identifier=V0001234");
        assertThat(encounters).hasSize(1);
        assertThat(encounters.get(0).path("subject").path("reference").asText()).isEqualTo(patient);
        assertThat(fhir.search("Encounter?subject=" + patient)).hasSize(2);
        List<JsonNode> reports = fhir.search("DiagnosticReport?subject=" + patient);
        assertThat(reports).hasSize(1);
        List<String> results = reports.get(0).path("result").findValuesAsText("reference");
        int labResults = obxCount(corpus("oru_r01_v251_chemistry"));
        assertThat(results).hasSize(labResults).allMatch(fhir::resolves);
        // the lab results and the ADT's height and weight
        assertThat(fhir.count("Observation?subject=" + patient)).isEqualTo(labResults + 2);
        List<JsonNode> immunizations = fhir.search("Immunization");
        assertThat(immunizations).hasSize(1);
        assertThat(fhir.resolves(immunizations.get(0).path("patient").path("reference").asText())).isTrue();
        List<JsonNode> appointments = fhir.search("Appointment?patient=" + patient);
        assertThat(appointments).hasSize(1);
        for (JsonNode resource : List.of(encounters.get(0), reports.get(0), appointments.get(0))) {
            for (String reference : resource.findValuesAsText("reference")) {
                assertThat(reference).as("reference in %s", resource.path("resourceType").asText())
                        .doesNotStartWith("urn:uuid:");
                assertThat(fhir.resolves(reference)).as(reference).isTrue();
            }
        }

        // the same messages again: nothing new on the server
        Map<String, Integer> before = totals();
        sendAll(port);
        await("the resent Bundles written").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> sinkMetric("e2e-sink", "RecordsWritten") >= 8);
        assertThat(totals()).isEqualTo(before);
        assertThat(sinkMetric("e2e-sink", "RecordsDeadLettered")).isZero();
        worker.cluster().deleteConnector("e2e-sink");
        worker.cluster().deleteConnector("e2e-hl7");
    }

    @Test
    void recordsTheServerRejectsGoToTheDeadLetterQueueWithTheOperationOutcome() throws Exception {
        String topic = "dlq.in";
        worker.kafka().createTopic(topic, 1);
        Map<String, String> sink = config("sink-fhir-server.json");
        sink.remove("fhir.auth.oauth.token.endpoint");
        sink.remove("fhir.auth.oauth.client.id");
        sink.remove("fhir.auth.oauth.client.secret");
        sink.remove("fhir.auth.oauth.scope");
        sink.put("fhir.auth.type", "none");
        sink.put("fhir.url", server.baseUrl());
        sink.put("topics", topic);
        sink.put("tasks.max", "1");
        sink.put("errors.deadletterqueue.topic.name", "dlq.out");
        sink.put("errors.deadletterqueue.topic.replication.factor", "1");
        worker.startConnector("dlq-sink", sink, 1);

        produce(topic, "Patient/dlq-ok", "{\"resourceType\":\"Patient\",\"id\":\"dlq-ok\",\"active\":true}");
        produce(topic, "Patient/dlq-bad", "{\"resourceType\":\"Patient\",\"id\":\"dlq-bad\","
                + "\"birthDate\":\"not-a-date\"}");
        produce(topic, "Observation/dlq-ref", "{\"resourceType\":\"Observation\",\"id\":\"dlq-ref\","
                + "\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/nobody\"}}");
        produce(topic, "Bundle/msg", "{\"resourceType\":\"Bundle\",\"type\":\"message\",\"entry\":[]}");
        produce(topic, "Patient/dlq-ok2", "{\"resourceType\":\"Patient\",\"id\":\"dlq-ok2\"}");

        List<ConsumerRecord<byte[], byte[]>> dead = worker.consume(3, Duration.ofMinutes(2), "dlq.out");
        assertThat(dead).hasSize(3);
        Map<String, String> messages = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            messages.put(new String(r.key(), StandardCharsets.UTF_8),
                    header(r, "__connect.errors.exception.message"));
        }
        assertThat(messages).containsOnlyKeys("Patient/dlq-bad", "Observation/dlq-ref", "Bundle/msg");
        assertThat(messages.get("Patient/dlq-bad")).contains("PUT").contains("HTTP 400").contains("OperationOutcome");
        assertThat(messages.get("Observation/dlq-ref")).containsPattern("HTTP 4\\d\\d").contains("Patient/nobody");
        assertThat(messages.get("Bundle/msg")).contains("message Bundle");
        await().atMost(Duration.ofMinutes(1)).until(() -> fhir.resolves("Patient/dlq-ok2"));
        assertThat(fhir.resolves("Patient/dlq-ok")).isTrue();
        assertThat(fhir.resolves("Patient/dlq-bad")).isFalse();
        worker.cluster().deleteConnector("dlq-sink");
    }

    private static int obxCount(String message) {
        return (int) java.util.Arrays.stream(message.split("\r")).filter(l -> l.startsWith("OBX|")).count();
    }

    private void sendAll(int port) throws IOException {
        try (Mllp mllp = new Mllp(port)) {
            for (String message : MESSAGES) {
                assertThat(Mllp.ackCode(mllp.send(corpus(message)))).as("ACK of %s", message).isIn("AA", "CA");
            }
        }
    }

    private static Map<String, Integer> totals() {
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (String type : List.of("Patient", "Encounter", "Observation", "DiagnosticReport", "Immunization",
                "Appointment", "Practitioner", "Organization", "ServiceRequest", "AllergyIntolerance",
                "RelatedPerson", "Provenance", "Location", "Specimen")) {
            totals.put(type, fhir.count(type));
        }
        return totals;
    }

    private static void produce(String topic, String key, String value) {
        worker.kafka().produce(topic, key, value);
    }

    /** A metric of the sink's task: the worker runs in this JVM, so its MBeans are in the platform server. */
    static long sinkMetric(String connector, String attribute) throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = mbeans.queryNames(new ObjectName("healthcare.connect.fhir:type=sink-task,*"), null);
        long sum = 0;
        for (ObjectName name : names) {
            if (connector.equals(ObjectName.unquote(name.getKeyProperty("connector")))
                    || connector.equals(name.getKeyProperty("connector"))) {
                sum += ((Number) mbeans.getAttribute(name, attribute)).longValue();
            }
        }
        return sum;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

}
