package com.healthcare.kafka.connect.it.hl7;

import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.byControlId;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.connector;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.consume;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.errorBytes;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.header;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.json;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.metric;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The HL7 MLLP source from the built zip on a real worker: every message type and version over HAPI's client and
 * raw sockets, bad input, exactly-once, enhanced mode, batches, filtering, large messages, charsets, raw output,
 * the shipped configs, and (last) that nothing of the PHI sent in this class reached a log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Hl7SourceIT {

    static ConnectWorker worker;
    static LogCapture logs;

    @TempDir
    static Path secrets;

    @BeforeAll
    static void startWorker() {
        logs = LogCapture.capture();
        Properties broker = new Properties();
        // The large-message test sends a multi-megabyte ORU.
        broker.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
        // With the validation pack: noPhiReachesTheLogs validates with HAPI.
        worker = ConnectWorker.start("hl7-source", 1, Map.of(), broker, true);
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

    private static int start(String name, String prefix, Map<String, String> extra) {
        int port = ConnectWorker.freePort();
        worker.startConnector(name, connector(port, prefix, extra), 1);
        return port;
    }

    @Test
    @Order(1)
    void everyTypeAndVersionArrivesWholeThroughHapiAndRawSockets() throws Exception {
        int port = start("corpus", "corpus.", Map.of());
        List<Hl7Corpus.Sample> viaHapi = Hl7Corpus.samples("H");
        List<Hl7Corpus.Sample> viaSocket = Hl7Corpus.samples("R");
        Map<String, String> sent = new HashMap<>();
        try (HapiSender hapi = new HapiSender(port, null)) {
            for (Hl7Corpus.Sample sample : viaHapi) {
                HapiSender.Exchange exchange = hapi.send(sample.text());
                assertThat(MllpSocketClient.ackCode(exchange.response())).as("%s via HAPI", sample).isEqualTo("AA");
                assertThat(MllpSocketClient.segment(exchange.response(), "MSA")).contains(sample.controlId());
                sent.put(sample.controlId(), exchange.sent());
            }
        }
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            for (Hl7Corpus.Sample sample : viaSocket) {
                String ack = socket.exchange(sample.text(), 30_000);
                assertThat(MllpSocketClient.ackCode(ack)).as("%s via socket", sample).isEqualTo("AA");
                sent.put(sample.controlId(), sample.text());
            }
        }

        String[] topics = Hl7Corpus.TYPES.stream().map(t -> "corpus." + t.type()).toArray(String[]::new);
        int total = viaHapi.size() + viaSocket.size();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> records = byControlId(consume(worker, total, topics));
        List<Hl7Corpus.Sample> all = new ArrayList<>(viaHapi);
        all.addAll(viaSocket);
        for (Hl7Corpus.Sample sample : all) {
            assertThat(records.get(sample.controlId())).as("%s in Kafka once", sample).hasSize(1);
            ConsumerRecord<byte[], byte[]> record = records.get(sample.controlId()).get(0);
            JsonNode value = json(record);
            assertThat(record.topic()).isEqualTo("corpus." + sample.type().type());
            assertThat(text(record.key())).as("key = PID-3.1").isEqualTo(sample.patientId());
            assertThat(value.get("message_type").asText()).isEqualTo(sample.type().type());
            assertThat(value.get("trigger_event").asText()).isEqualTo(sample.type().event());
            if (sample.version().equals("2.3")) {
                assertThat(value.get("message_structure").isNull()).as("no MSH-9.3 in 2.3").isTrue();
            } else {
                assertThat(value.get("message_structure").asText()).isEqualTo(sample.type().structure());
            }
            assertThat(value.get("control_id").asText()).isEqualTo(sample.controlId());
            assertThat(value.get("version").asText()).isEqualTo(sample.version());
            assertThat(value.get("processing_id").asText()).isEqualTo("P");
            assertThat(value.get("sending_application").asText()).isEqualTo("HIS");
            assertThat(value.get("sending_facility").asText()).isEqualTo("GENHOSP");
            assertThat(value.get("receiving_application").asText()).isEqualTo("KAFKA");
            assertThat(value.get("receiving_facility").asText()).isEqualTo("HC");
            assertThat(value.get("message_time").asText()).isEqualTo("20240315083000");
            assertThat(value.get("patient_id").asText()).isEqualTo(sample.patientId());
            assertThat(value.get("patient_id_authority").asText()).isEqualTo("GENHOSP");
            assertThat(value.get("received_at").asLong()).isPositive();
            assertThat(value.get("remote_address").asText()).startsWith("127.0.0.1:");
            assertThat(value.get("raw").asText()).as("raw text of %s", sample).isEqualTo(sent.get(sample.controlId()));
            assertThat(value.get("raw").asText()).contains("O'Brien^Mary\\S\\Ann^Q", "~99-88-77^^^SSA^SS",
                    "ZPI|site-specific|\\S\\value");
            assertThat(header(record, "hl7.message.type")).isEqualTo(sample.type().type());
            assertThat(header(record, "hl7.trigger.event")).isEqualTo(sample.type().event());
            assertThat(header(record, "hl7.control.id")).isEqualTo(sample.controlId());
            assertThat(header(record, "hl7.version")).isEqualTo(sample.version());
            assertThat(header(record, "content-type")).isEqualTo("x-application/hl7-v2+er7");
        }
        assertThat(metric("corpus", 0, "MessagesReceived")).isEqualTo((long) total);
        assertThat(metric("corpus", 0, "MessagesAcknowledged")).isEqualTo((long) total);
        assertThat((Double) metric("corpus", 0, "AckLatencyP99Ms")).isPositive();
        worker.cluster().deleteConnector("corpus");
    }

    @Test
    @Order(2)
    void badInputIsAnsweredWithAReasonAndKeptInTheErrorTopic() throws Exception {
        int port = start("bad", "bad.", Map.of("hl7.message.types", "ADT,ORU"));
        byte[] undecodable = "MSH|^~\\&|HIS|GENHOSP|K|HC|20240101||ADT^A01|U1|P|2.5\rPID|1||1||M\u00fcller\r"
                .getBytes(StandardCharsets.ISO_8859_1);
        String unsupported = Hl7Corpus.message(Hl7Corpus.TYPES.get(4), "2.5", "VXU1", "MRN-V");
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            String garbage = socket.exchange("GET / HTTP/1.1", 30_000);
            assertThat(MllpSocketClient.ackCode(garbage)).isEqualTo("AR");
            assertThat(MllpSocketClient.segment(garbage, "MSA")).contains("does not start with an MSH");

            socket.sendRaw(MllpSocketClient.frame(undecodable));
            String undecoded = socket.read(30_000);
            assertThat(MllpSocketClient.segment(undecoded, "MSA")).startsWith("MSA|AR|U1|")
                    .contains("not valid UTF-8");
            assertThat(MllpSocketClient.segment(undecoded, "ERR")).contains("102^Data type error^HL70357");

            String rejected = socket.exchange(unsupported, 30_000);
            assertThat(MllpSocketClient.segment(rejected, "MSA")).startsWith("MSA|AR|VXU1|");
            assertThat(MllpSocketClient.segment(rejected, "ERR")).contains("200^Unsupported message type^HL70357")
                    .contains("VXU\\S\\V04 is not accepted");

            String ok = socket.exchange(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "OK1", "MRN-OK"), 30_000);
            assertThat(MllpSocketClient.ackCode(ok)).as("the listener carries on").isEqualTo("AA");
        }
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            // A frame cut short by the sender closing the connection: no one to answer, but it is kept.
            socket.sendRaw("\u000bMSH|^~\\&|HIS|GENHOSP|K|HC|20240101||ADT^A01|CUT1|P|2.5\rPID|1"
                    .getBytes(StandardCharsets.US_ASCII));
        }
        List<ConsumerRecord<byte[], byte[]>> errors = consume(worker, 4, "bad.errors");
        assertThat(errors).extracting(r -> header(r, "hl7.error.class"))
                .containsExactly("no_msh", "undecodable", "unsupported_type", "truncated");
        assertThat(errorBytes(errors.get(0))).isEqualTo("GET / HTTP/1.1".getBytes(StandardCharsets.UTF_8));
        assertThat(errorBytes(errors.get(1))).isEqualTo(undecodable);
        assertThat(text(errorBytes(errors.get(2)))).isEqualTo(unsupported);
        assertThat(text(errorBytes(errors.get(3)))).startsWith("MSH|").contains("CUT1");
        for (ConsumerRecord<byte[], byte[]> error : errors) {
            assertThat(header(error, "hl7.error.reason")).isNotBlank();
            assertThat(header(error, "hl7.remote.address")).startsWith("127.0.0.1:");
            assertThat(header(error, "hl7.received.at")).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        }
        assertThat(header(errors.get(2), "hl7.control.id")).isEqualTo("VXU1");
        assertThat(consume(worker, 1, "bad.ADT")).hasSize(1);
        worker.cluster().deleteConnector("bad");
    }

    @Test
    @Order(3)
    void exactlyOnceAnswersAResendWithoutASecondRecord() throws Exception {
        int port = start("eo", "eo.", Map.of("processing.guarantee", "exactly_once"));
        String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "EO1", "MRN-EO");
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            assertThat(MllpSocketClient.ackCode(socket.exchange(message, 30_000))).isEqualTo("AA");
        }
        try (MllpSocketClient again = MllpSocketClient.connect(port)) {
            assertThat(MllpSocketClient.ackCode(again.exchange(message, 30_000))).isEqualTo("AA");
            assertThat(MllpSocketClient.ackCode(again.exchange(
                    Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "EO2", "MRN-EO"), 30_000))).isEqualTo("AA");
        }
        Map<String, List<ConsumerRecord<byte[], byte[]>>> records = byControlId(consume(worker, 2, "eo.ADT"));
        assertThat(records.get("EO1")).hasSize(1);
        assertThat(records.get("EO2")).hasSize(1);
        assertThat(metric("eo", 0, "DuplicatesSuppressed")).isEqualTo(1L);
        worker.cluster().deleteConnector("eo");
    }

    @Test
    @Order(4)
    void enhancedModeAndBatches() throws Exception {
        int port = start("enh", "enh.", Map.of());
        String base = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "X", "MRN-E");
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            String al = base.replace("|X|P|2.5\r", "|EN-AL|P|2.5|||AL|NE\r");
            assertThat(MllpSocketClient.segment(socket.exchange(al, 30_000), "MSA")).isEqualTo("MSA|CA|EN-AL");
            String ne = base.replace("|X|P|2.5\r", "|EN-NE|P|2.5|||NE|NE\r");
            socket.send(ne);
            String batch = "FHS|^~\\&|HIS|GENHOSP|KAFKA|HC|20240101||||F-1\rBHS|^~\\&|HIS|GENHOSP|KAFKA|HC|20240101||||B-1\r"
                    + base.replace("|X|", "|BA-1|") + base.replace("|X|", "|BA-2|") + base.replace("|X|", "|BA-3|")
                    + "BTS|3\rFTS|1\r";
            // The NE message gets no response: the next one read is the batch's.
            String response = socket.exchange(batch, 30_000);
            assertThat(response).startsWith("FHS|^~\\&|KAFKA|HC|HIS|GENHOSP|").contains("\rBHS|")
                    .contains("MSA|AA|BA-1\r", "MSA|AA|BA-2\r", "MSA|AA|BA-3\r").endsWith("BTS|3\rFTS|1\r");
        }
        assertThat(byControlId(consume(worker, 5, "enh.ADT")).keySet())
                .containsExactlyInAnyOrder("EN-AL", "EN-NE", "BA-1", "BA-2", "BA-3");
        worker.cluster().deleteConnector("enh");
    }

    @Test
    @Order(5)
    void filteredRecordsAreAnsweredPerAckOnDropped() throws Exception {
        Map<String, String> filter = Map.of(
                "transforms", "dropOru",
                "transforms.dropOru.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.dropOru.predicate", "isOru",
                "predicates", "isOru",
                "predicates.isOru.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                "predicates.isOru.pattern", ".*\\.ORU");
        int strict = start("filter-error", "fe.", filter);
        Map<String, String> lenientConfig = new HashMap<>(filter);
        lenientConfig.put("hl7.ack.on.dropped", "accept");
        int lenient = start("filter-accept", "fa.", lenientConfig);
        String oru = Hl7Corpus.message(Hl7Corpus.TYPES.get(1), "2.5", "F-ORU", "MRN-F");
        String adt = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "F-ADT", "MRN-F");
        try (MllpSocketClient socket = MllpSocketClient.connect(strict)) {
            String dropped = socket.exchange(oru, 30_000);
            assertThat(MllpSocketClient.segment(dropped, "MSA")).startsWith("MSA|AE|F-ORU|");
            assertThat(MllpSocketClient.segment(dropped, "ERR")).contains("not written to Kafka");
            assertThat(MllpSocketClient.ackCode(socket.exchange(adt, 30_000))).isEqualTo("AA");
        }
        try (MllpSocketClient socket = MllpSocketClient.connect(lenient)) {
            assertThat(MllpSocketClient.segment(socket.exchange(oru, 30_000), "MSA")).isEqualTo("MSA|AA|F-ORU");
        }
        worker.cluster().deleteConnector("filter-error");
        worker.cluster().deleteConnector("filter-accept");
    }

    @Test
    @Order(6)
    void aMultiMegabyteMessageLandsWhole() throws Exception {
        int port = start("big", "big.", Map.of(
                "hl7.max.message.bytes", Integer.toString(8 * 1024 * 1024),
                "producer.override.max.request.size", Integer.toString(12 * 1024 * 1024)));
        String pdf = java.util.Base64.getEncoder().encodeToString(new byte[3 * 1024 * 1024]).replace('A', 'Q');
        String oru = Hl7Corpus.message(Hl7Corpus.TYPES.get(1), "2.5", "BIG1", "MRN-B")
                + "OBX|3|ED|PDF^Report^L||^AP^PDF^Base64^" + pdf + "||||||F\r";
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            assertThat(MllpSocketClient.ackCode(socket.exchange(oru, 60_000))).isEqualTo("AA");
        }
        JsonNode value = json(consume(worker, 1, "big.ORU").get(0));
        assertThat(value.get("raw").asText()).hasSize(oru.length()).isEqualTo(oru);
        worker.cluster().deleteConnector("big");
    }

    @Test
    @Order(7)
    void charsetsFromMsh18SurviveEndToEnd() throws Exception {
        int port = start("charset", "cs.", Map.of());
        String latin = "MSH|^~\\&|HIS|GENHOSP|K|HC|20240101||ADT^A01^ADT_A01|CS-L|P|2.5||||||8859/1\r"
                + "PID|1||MRN-L^^^GENHOSP^MR||Müller^Jürgen^Ä\r";
        String utf8 = "MSH|^~\\&|HIS|GENHOSP|K|HC|20240101||ADT^A01^ADT_A01|CS-U|P|2.5||||||UNICODE UTF-8\r"
                + "PID|1||MRN-U^^^GENHOSP^MR||Żółć^Łukasz||||||山田 太郎\r";
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            socket.send(latin, StandardCharsets.ISO_8859_1);
            byte[] ack = socket.readBytes(30_000);
            assertThat(new String(ack, StandardCharsets.ISO_8859_1)).contains("MSA|AA|CS-L").endsWith("8859/1\rMSA|AA|CS-L\r");
            assertThat(MllpSocketClient.ackCode(socket.exchange(utf8, 30_000))).isEqualTo("AA");
        }
        try (HapiSender hapi = new HapiSender(port, null)) {
            String viaHapi = utf8.replace("CS-U", "CS-H");
            assertThat(MllpSocketClient.ackCode(hapi.send(viaHapi).response())).isEqualTo("AA");
        }
        Map<String, List<ConsumerRecord<byte[], byte[]>>> records = byControlId(consume(worker, 3, "cs.ADT"));
        assertThat(json(records.get("CS-L").get(0)).get("raw").asText()).isEqualTo(latin);
        assertThat(json(records.get("CS-U").get(0)).get("raw").asText()).isEqualTo(utf8);
        assertThat(json(records.get("CS-H").get(0)).get("raw").asText()).contains("Żółć^Łukasz", "山田 太郎");
        worker.cluster().deleteConnector("charset");
    }

    @Test
    @Order(8)
    void rawOutputKeyByControlIdAndTopicMapping() throws Exception {
        int port = start("rawfmt", "rawfmt.", Map.of(
                "output.format", "raw",
                "hl7.key.source", "control_id",
                "hl7.topic.mapping", "ADT^A01:clinical.patient.admitted,ORU:clinical.result.available",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        String adt = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.6", "RAW-1", "MRN-R");
        String oru = Hl7Corpus.message(Hl7Corpus.TYPES.get(1), "2.6", "RAW-2", "MRN-R");
        String vxu = Hl7Corpus.message(Hl7Corpus.TYPES.get(4), "2.6", "RAW-3", "MRN-R");
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            for (String message : List.of(adt, oru, vxu)) {
                assertThat(MllpSocketClient.ackCode(socket.exchange(message, 30_000))).isEqualTo("AA");
            }
        }
        ConsumerRecord<byte[], byte[]> admitted = consume(worker, 1, "clinical.patient.admitted").get(0);
        assertThat(text(admitted.key())).isEqualTo("RAW-1");
        assertThat(text(admitted.value())).isEqualTo(adt);
        assertThat(text(consume(worker, 1, "clinical.result.available").get(0).value())).isEqualTo(oru);
        assertThat(text(consume(worker, 1, "rawfmt.VXU").get(0).value())).isEqualTo(vxu);
        worker.cluster().deleteConnector("rawfmt");
    }

    @Test
    @Order(9)
    void shippedConfigsValidateAndRun() throws Exception {
        // hl7-seed001.json asks for TLS: Hl7TlsIT runs it.
        for (String file : List.of("hl7-mllp-source.json", "sandbox/hl7-mllp-source.json")) {
            Map<String, String> config = Hl7ItSupport.withLocalSecrets(Hl7ItSupport.shippedConfig(file),
                    secrets, Map.of());
            String name = Hl7ItSupport.shippedName(file);
            // The REST validate endpoint needs the name inside the config (PUT /connectors/{name} gives it by URL).
            config.putIfAbsent("name", name);
            assertThat(Hl7ItSupport.validationErrors(worker.validate(Hl7ItSupport.CONNECTOR_CLASS, config)))
                    .as("validation errors of %s", file).isEmpty();
            int port = ConnectWorker.freePort();
            // Only the port changes, so parallel builds do not collide on 2575.
            config.put(config.containsKey("port") ? "port" : "hl7.listener.port", Integer.toString(port));
            config.put("hl7.listener.host", "127.0.0.1");
            config.putIfAbsent("topic.creation.default.replication.factor", "1");
            config.putIfAbsent("topic.creation.default.partitions", "1");
            int tasks = Integer.parseInt(config.get("tasks.max"));
            worker.startConnector(name, config, tasks);
            String prefix = config.get("topic.prefix");
            // Several connections, so with tasks.max > 1 the kernel spreads them over the tasks sharing the port.
            for (int i = 0; i < 3 * tasks; i++) {
                try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
                    String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", name + "-" + i, "MRN-S");
                    assertThat(MllpSocketClient.ackCode(socket.exchange(message, 30_000))).as("%s", file)
                            .isEqualTo("AA");
                }
            }
            assertThat(consume(worker, 3 * tasks, prefix + "ADT")).hasSizeGreaterThanOrEqualTo(3 * tasks);
            worker.cluster().deleteConnector(name);
        }
    }

    @Test
    @Order(100)
    void noPhiReachesTheLogs() throws Exception {
        int port = start("phi", "phi.", Map.of("hl7.validation.enabled", "true", "hl7.max.message.bytes", "4096",
                "hl7.message.types", "ADT"));
        String phi = "MSH|^~\\&|HIS|GENHOSP|K|HC|20240101||ADT^A01^ADT_A01|PHI-1|P|2.5\r"
                + "PID|1||MRN-PHI-4242^^^GENHOSP^MR||Quackenbush^Zebedee||19450817|M|||17 Elm Street^^Gotham\r";
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            assertThat(MllpSocketClient.ackCode(socket.exchange(phi, 30_000))).isEqualTo("AA");
            // Invalid per HAPI (a date that is not one), unsupported, garbage and undecodable: all with PHI.
            String invalid = phi.replace("PHI-1", "PHI-2").replace("19450817", "1945Quackenbush");
            assertThat(MllpSocketClient.ackCode(socket.exchange(invalid, 30_000))).isEqualTo("AE");
            assertThat(MllpSocketClient.ackCode(socket.exchange(phi.replace("ADT^A01^ADT_A01", "ORU^R01")
                    .replace("PHI-1", "PHI-3"), 30_000))).isEqualTo("AR");
            assertThat(MllpSocketClient.ackCode(socket.exchange("Quackenbush Zebedee MRN-PHI-4242", 30_000)))
                    .isEqualTo("AR");
            socket.sendRaw(MllpSocketClient.frame(phi.replace("PHI-1", "PHI-4").replace("Zebedee", "Zébédée")
                    .getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(MllpSocketClient.ackCode(socket.read(30_000))).isEqualTo("AR");
        }
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            socket.send(phi.replace("PHI-1", "PHI-5") + "NTE|1||" + "Quackenbush ".repeat(500) + "\r");
            assertThat(MllpSocketClient.ackCode(socket.read(30_000))).as("oversized").isEqualTo("AR");
        }
        consume(worker, 5, "phi.errors");
        worker.cluster().deleteConnector("phi");

        List<String> lines = logs.lines();
        assertThat(lines).as("the capture sees the plugin's own log lines")
                .anyMatch(l -> l.contains("com.healthcare") && l.contains("listening for MLLP"))
                .anyMatch(l -> l.contains("com.healthcare") && l.contains("rejected input"));
        for (String marker : List.of("Quackenbush", "Zebedee", "Zébédée", "MRN-PHI-4242", "19450817", "Elm Street",
                "O'Brien", "Müller", "Żółć", "MRN-L", "MRN-U")) {
            assertThat(lines).as("log lines holding %s", marker).noneMatch(l -> l.contains(marker));
        }
    }
}
