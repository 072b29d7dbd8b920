package com.healthcare.kafka.connect.it.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The de-identified copy pattern (DESIGN, seed 004): Kafka's MirrorSourceConnector in our worker copies topics of
 * HL7 v2 text, the HL7 source's JSON (with and without a JsonConverter schema) and FHIR Patient/Bundle JSON, as
 * bytes, through MaskPhi$Value and MaskPhi$Key (safe-harbor), using connector-configs/pipeline-phi-masked-copy.json
 * itself. Every record of every topic but the clinical source topics is then searched: no identifier anywhere;
 * nor in the worker's log.
 */
class MaskPhiMirrorCopyIT {

    static final String CONFIG = "connector-configs/pipeline-phi-masked-copy.json";
    static final Set<String> SOURCE_TOPICS = Set.of("hl7.ADT", "fhir.Patient", "fhir.Bundle");
    static final List<PhiFixtures.Patient> PATIENTS = List.of(new PhiFixtures.Patient(1),
            new PhiFixtures.Patient(2), new PhiFixtures.Patient(3), new PhiFixtures.Patient(4),
            new PhiFixtures.Patient(5));

    static ConnectWorker worker;
    static LogCapture logs;

    @BeforeAll
    static void startWorker() {
        logs = LogCapture.begin();
        // production brokers do not auto-create topics: the copy must create its target topics itself (issue 12)
        Properties broker = new Properties();
        broker.put("auto.create.topics.enable", "false");
        worker = ConnectWorker.start("mask-mirror", 1, Map.of(), broker);
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    static Map<String, String> fileConfig() throws Exception {
        JsonNode root = ConnectWorker.JSON.readTree(BuiltZips.projectRoot().resolve(Path.of(CONFIG)).toFile());
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", root.get("name").asText());
        root.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    static Map<String, String> runnable(Map<String, String> config) {
        Map<String, String> c = new LinkedHashMap<>(config);
        c.put("source.cluster.bootstrap.servers", worker.kafka().bootstrapServers());
        c.put("target.cluster.bootstrap.servers", worker.kafka().bootstrapServers());
        return c;
    }

    /** The HL7 source's value schema (issue 3). */
    static final Schema MESSAGE = SchemaBuilder.struct().name("com.healthcare.hl7.Message")
            .field("message_type", Schema.STRING_SCHEMA).field("trigger_event", Schema.OPTIONAL_STRING_SCHEMA)
            .field("control_id", Schema.STRING_SCHEMA).field("version", Schema.STRING_SCHEMA)
            .field("sending_facility", Schema.OPTIONAL_STRING_SCHEMA)
            .field("patient_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("patient_id_authority", Schema.OPTIONAL_STRING_SCHEMA)
            .field("raw", Schema.STRING_SCHEMA).build();

    static Struct message(PhiFixtures.Patient p, String controlId) {
        return new Struct(MESSAGE).put("message_type", "ADT").put("trigger_event", "A01").put("control_id", controlId)
                .put("version", "2.5").put("sending_facility", "HOSP").put("patient_id", p.mrn())
                .put("patient_id_authority", "HOSP").put("raw", p.adtA01(controlId));
    }

    static String brokerConfig(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                worker.kafka().bootstrapServers()))) {
            String brokerId = String.valueOf(admin.describeCluster().nodes().get().iterator().next().id());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
        }
    }

    /** A source record as the HL7 source writes it: type, trigger and control id headers, plus a non-UTF-8 one. */
    static void produceWithHeaders(String topic, String key, String value, String controlId) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, worker.kafka().bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8));
            record.headers().add("hl7.message.type", "ADT".getBytes(StandardCharsets.US_ASCII))
                    .add("hl7.trigger.event", "A01".getBytes(StandardCharsets.US_ASCII))
                    .add("hl7.control.id", controlId.getBytes(StandardCharsets.US_ASCII))
                    .add("content.type", "application/hl7-v2; charset=UTF-8".getBytes(StandardCharsets.US_ASCII))
                    .add("binary", new byte[] {0, (byte) 0xff, (byte) 0xc3, 0x28, 0x0d});
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not produce to " + topic, e);
        }
    }

    static List<Map.Entry<String, List<Byte>>> headers(ConsumerRecord<byte[], byte[]> record) {
        List<Map.Entry<String, List<Byte>>> out = new ArrayList<>();
        for (Header h : record.headers()) {
            List<Byte> bytes = new ArrayList<>();
            for (byte b : h.value()) {
                bytes.add(b);
            }
            out.add(Map.entry(h.key(), bytes));
        }
        return out;
    }

    @Test
    void theCopyConfigValidatesAndMistakesAreReportedOnTheTransformKeys() throws Exception {
        Map<String, String> config = runnable(fileConfig());
        String mirror = config.get("connector.class");
        JsonNode ok = worker.validateJson(mirror, config);
        assertThat(ok.path("error_count").asInt(-1)).as(ConnectWorker.errors(ok)).isZero();

        Map<String, String> noKey = new LinkedHashMap<>(config);
        noKey.put("transforms.mask.profile", "pseudonymize");
        JsonNode missing = worker.validateJson(mirror, noKey);
        assertThat(missing.path("error_count").asInt()).isEqualTo(1);
        assertThat(ConnectWorker.errors(missing)).startsWith("transforms.mask.hash.key: ")
                .contains("hash.key is required: the pseudonymize profile uses hash or dateshift");

        Map<String, String> badRule = new LinkedHashMap<>(config);
        badRule.put("transforms.mask.rules", "PID-19:scramble,Patient.name:keep-last:0");
        JsonNode bad = worker.validateJson(mirror, badRule);
        assertThat(ConnectWorker.errors(bad)).startsWith("transforms.mask.rules: ")
                .contains("unknown method 'scramble'").contains("keep-last needs a count");
    }

    @Test
    void theDeIdentifiedCopyHoldsNoIdentifierInAnyTopicNorInTheLog() throws Exception {
        for (String topic : SOURCE_TOPICS) {
            worker.kafka().createTopic(topic, 1);
        }
        assertThat(brokerConfig("auto.create.topics.enable")).isEqualTo("false");
        JsonConverter plainJson = new JsonConverter();
        plainJson.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
        JsonConverter envelopeJson = new JsonConverter();
        envelopeJson.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        List<String> identifiers = new ArrayList<>();
        int hl7Records = 0;
        for (PhiFixtures.Patient p : PATIENTS) {
            identifiers.addAll(p.identifiers());
            // the HL7 source's three shapes: raw text, its Struct as plain JSON, and as a JsonConverter envelope
            produceWithHeaders("hl7.ADT", p.mrn(), p.adtA01("RAW" + p.n()), "RAW" + p.n());
            worker.kafka().produce("hl7.ADT", p.mrn(), new String(plainJson.fromConnectData("hl7.ADT", MESSAGE,
                    message(p, "JSON" + p.n())), java.nio.charset.StandardCharsets.UTF_8));
            worker.kafka().produce("hl7.ADT", p.mrn(), new String(envelopeJson.fromConnectData("hl7.ADT", MESSAGE,
                    message(p, "ENV" + p.n())), java.nio.charset.StandardCharsets.UTF_8));
            hl7Records += 3;
            worker.kafka().produce("fhir.Patient", "Patient/pat-" + p.n(), p.patientJson());
            worker.kafka().produce("fhir.Bundle", "Bundle/tx-" + p.n(), p.bundleJson());
        }

        Map<String, String> hl7Copy = runnable(fileConfig());
        worker.startConnector(hl7Copy.get("name"), hl7Copy, 1);
        Map<String, String> fhirCopy = runnable(fileConfig());
        fhirCopy.put("name", "deidentified-fhir-copy");
        fhirCopy.put("topics", "fhir\\.(Patient|Bundle)");
        fhirCopy.put("transforms.rename.regex", "fhir\\.(.*)");
        fhirCopy.put("transforms.rename.replacement", "deidentified.research-data.fhir.$1");
        worker.startConnector(fhirCopy.get("name"), fhirCopy, 1);

        String bootstrap = worker.kafka().bootstrapServers();
        int expectedHl7 = hl7Records;
        Awaitility.await("masked copies").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> KafkaScan.topics(bootstrap).containsAll(List.of("deidentified.research-data.ADT",
                        "deidentified.research-data.fhir.Patient", "deidentified.research-data.fhir.Bundle"))
                        && KafkaScan.readAll(bootstrap, List.of("deidentified.research-data.ADT")).size()
                        == expectedHl7
                        && KafkaScan.readAll(bootstrap, List.of("deidentified.research-data.fhir.Patient",
                        "deidentified.research-data.fhir.Bundle")).size() == 2 * PATIENTS.size());

        List<KafkaScan.Text> copies = KafkaScan.readAll(bootstrap, List.of("deidentified.research-data.ADT",
                "deidentified.research-data.fhir.Patient", "deidentified.research-data.fhir.Bundle"));
        for (KafkaScan.Text record : copies) {
            assertThat(record.key()).as("safe-harbor keys are null").isEqualTo("null");
            JsonNode json = record.value().startsWith("MSH") ? null : ConnectWorker.JSON.readTree(record.value());
            if (record.topic().endsWith("ADT")) {
                String raw = json == null ? record.value()
                        : json.has("payload") ? json.path("payload").path("raw").asText() : json.path("raw").asText();
                assertThat(raw).startsWith("MSH|^~\\&|EPIC|HOSP|LAB|HOSP|2024||ADT^A01^ADT_A01|")
                        .contains("\rPID|1||||||1980|F|||^^^IL^627^USA^H|").contains("\rIN1|")
                        .contains("\rNTE|1|L|\r");
                if (json != null) {
                    JsonNode value = json.has("payload") ? json.path("payload") : json;
                    assertThat(value.path("patient_id").isNull()).isTrue();
                    assertThat(value.path("control_id").asText()).matches("(JSON|ENV)\\d");
                }
            } else {
                JsonNode patient = json.path("resourceType").asText().equals("Bundle")
                        ? json.path("entry").get(0).path("resource") : json;
                assertThat(patient.path("birthDate").asText()).isEqualTo("1980");
                assertThat(patient.path("address").get(0).path("postalCode").asText()).isEqualTo("627");
                assertThat(patient.path("address").get(0).path("state").asText()).isEqualTo("IL");
                assertThat(patient.has("name")).isFalse();
            }
        }

        // header.converter=ByteArrayConverter: every header arrives byte for byte (the default header converter
        // re-encoded them: "ADT" became "QURU", base64 of its bytes)
        List<ConsumerRecord<byte[], byte[]>> sources = worker.consume(hl7Records, Duration.ofSeconds(60), "hl7.ADT");
        List<ConsumerRecord<byte[], byte[]>> copied = worker.consume(hl7Records, Duration.ofSeconds(60),
                "deidentified.research-data.ADT");
        assertThat(copied).hasSameSizeAs(sources);
        for (int i = 0; i < sources.size(); i++) {
            List<Map.Entry<String, List<Byte>>> expected = headers(sources.get(i));
            assertThat(headers(copied.get(i))).as("headers of copy %d", i).isEqualTo(expected);
        }
        assertThat(headers(sources.get(0))).extracting(Map.Entry::getKey)
                .contains("hl7.message.type", "hl7.control.id", "binary");

        // the identity policy leaves no empty remote topic (clinical.hl7.ADT) beside the renamed copy
        Set<String> topics = KafkaScan.topics(bootstrap);
        assertThat(topics).noneMatch(t -> t.startsWith("clinical."));
        assertThat(topics.stream().filter(t -> t.startsWith("deidentified.")))
                .containsExactlyInAnyOrder("deidentified.research-data.ADT",
                        "deidentified.research-data.fhir.Patient", "deidentified.research-data.fhir.Bundle");

        Set<String> scanned = topics.stream().filter(t -> !SOURCE_TOPICS.contains(t))
                .collect(Collectors.toSet());
        assertThat(scanned).contains("deidentified.research-data.ADT", "deidentified.research-data.fhir.Bundle");
        List<KafkaScan.Text> everything = KafkaScan.readAll(bootstrap, scanned);
        assertThat(everything.size()).isGreaterThanOrEqualTo(copies.size());
        for (KafkaScan.Text record : everything) {
            for (String identifier : identifiers) {
                assertThat(record.all()).as("%s in a record of %s", identifier, record.topic())
                        .doesNotContain(identifier);
            }
        }
        List<String> lines = logs.lines();
        assertThat(lines).as("log lines captured").isNotEmpty();
        for (String line : lines) {
            for (String identifier : identifiers) {
                assertThat(line).as("%s in the log", identifier).doesNotContain(identifier);
            }
        }
    }
}
