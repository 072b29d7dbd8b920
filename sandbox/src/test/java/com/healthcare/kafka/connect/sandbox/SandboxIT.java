package com.healthcare.kafka.connect.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the sandbox as a new user would (its own JVM, as bin/sandbox starts it) on free ports: the worker lists our
 * plugins and runs the sandbox connectors; the README walk-through works (an ADT^A01 gets AA, its Patient is on the
 * embedded FHIR server, the masked copy has no name or MRN, the FHIR source streams the Patient back); Ctrl-C
 * (SIGTERM) stops it cleanly; a restart keeps the data and applies
 * the configs idempotently; a port in use gives a clear message.
 */
class SandboxIT {

    static final List<String> OUR_PLUGINS = List.of(
            "com.healthcare.kafka.connect.hl7.Hl7SourceConnector",
            "com.healthcare.kafka.connect.fhir.FhirSourceConnector",
            "com.healthcare.kafka.connect.transforms.Hl7ToFhir",
            "com.healthcare.kafka.connect.transforms.MaskPhi$Key",
            "com.healthcare.kafka.connect.transforms.MaskPhi$Value",
            "com.healthcare.kafka.connect.transforms.FacilityMetadata",
            "com.healthcare.kafka.connect.transforms.FhirResourceExtractor");

    final Path root = Path.of(System.getProperty("sandbox.root")).toAbsolutePath().normalize();
    final HttpClient http = HttpClient.newHttpClient();
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void startsListsPluginsStopsCleanlyAndKeepsDataAcrossRestarts() throws Exception {
        Path data = Files.createDirectories(Path.of(System.getProperty("sandbox.work.dir")))
                .resolve("data-" + System.nanoTime());
        int kafka = freePort();
        int controller = freePort();
        int rest = freePort();
        int mllp = freePort();
        int jmx = freePort();
        int fhir = freePort();
        String[] args = {"--data-dir", data.toString(), "--kafka-port", "" + kafka, "--controller-port",
            "" + controller, "--rest-port", "" + rest, "--mllp-port", "" + mllp, "--jmx-port", "" + jmx,
            "--fhir-port", "" + fhir};

        Path firstLog = data.resolveSibling(data.getFileName() + "-run1.txt");
        long t0 = System.nanoTime();
        Process first = launch(firstLog, args);
        awaitOutput(first, firstLog, "sandbox is running");
        System.out.printf("Sandbox cold start: %.1f s%n", (System.nanoTime() - t0) / 1e9);

        String plugins = get(rest, "/connector-plugins?connectorsOnly=false");
        for (String plugin : OUR_PLUGINS) {
            assertThat(plugins).contains("\"" + plugin + "\"");
        }
        assertThat(Files.readString(firstLog)).contains("Created connector sandbox-hl7-mllp");
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> get(rest, "/connectors/sandbox-hl7-mllp/status").contains("\"RUNNING\""));
        assertThat(Files.readString(firstLog)).contains("  sandbox-hl7-mllp: RUNNING, task 0 RUNNING");

        // the printed JMX port serves the worker's and the plugins' metrics
        assertThat(Files.readString(firstLog)).contains("  JMX:          127.0.0.1:" + jmx);
        try (JMXConnector jmxClient = JMXConnectorFactory.connect(new JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmx + "/jmxrmi"))) {
            MBeanServerConnection mbeans = jmxClient.getMBeanServerConnection();
            assertThat(mbeans.queryNames(new ObjectName("kafka.connect:type=connect-worker-metrics"), null))
                    .hasSize(1);
            assertThat(mbeans.queryNames(new ObjectName("kafka.server:*"), null)).isNotEmpty();
        }

        // bin/topic-tail --list
        assertThat(TailTopic.listTopics("127.0.0.1:" + kafka)).contains("_sandbox-connect-configs")
                .last().asString().startsWith("_");

        // bin/connector-apply FILE: create, then unchanged; a broken file fails with exit status 1
        Path config = data.resolveSibling(data.getFileName() + "-apply.json");
        Files.writeString(config, Files.readString(root.resolve("connector-configs/sandbox/hl7-mllp-source.json"))
                .replace("sandbox-hl7-mllp", "applied-hl7").replace("\"2575\"", "\"" + freePort() + "\""));
        assertThat(connectorApply(0, "--rest", "http://127.0.0.1:" + rest, config.toString()))
                .contains("applied-hl7 created");
        assertThat(connectorApply(0, "--rest", "http://127.0.0.1:" + rest, config.toString()))
                .contains("applied-hl7 unchanged or updated");
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> get(rest, "/connectors/applied-hl7/status").contains("\"RUNNING\""));
        Path broken = data.resolveSibling(data.getFileName() + "-broken.json");
        Files.writeString(broken,
                "{\n  \"name\": \"broken\",\n  \"config\": {\"connector.class\": \"NoSuchConnector\"}\n}\n");
        assertThat(connectorApply(1, "--rest", "http://127.0.0.1:" + rest, broken.toString()))
                .contains("broken failed with HTTP");

        // the embedded HAPI FHIR JPA server takes writes, and the FHIR source runs against it
        assertThat(Files.readString(firstLog)).contains("Created connector sandbox-fhir-source");
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"sandbox-it\",\"active\":true}";
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fhir + "/fhir/Patient/sandbox-it"))
                .header("Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString(patient))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isIn(200, 201);
        Awaitility.await("the FHIR source runs").atMost(Duration.ofSeconds(120))
                .until(() -> get(rest, "/connectors/sandbox-fhir-source/status").contains("\"RUNNING\""));

        // the README walk-through, as a new user runs it: send an ADT^A01 and follow it through the whole job
        String adt = SendHl7.messages(Files.readString(root.resolve("sandbox/samples/adt_a01.hl7"))).get(0);
        String ack = sendMllp(mllp, adt);
        assertThat(SendHl7.isAccepted(ack)).as("ACK %s", ack).isTrue();
        assertThat(ack).contains("MSA|AA|MSG00001");
        // Hl7ToFhir + the FHIR sink wrote the Patient to the embedded server
        Awaitility.await("the FHIR sink wrote the Patient").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1)).until(() -> new ObjectMapper().readTree(
                        get(fhir, "/fhir/Patient?identifier=PATID1234")).path("total").asInt() == 1);
        // the PHI-masked copy: the record is there, without the name or the MRN
        String masked = awaitRecord(kafka, "deidentified.hl7.ADT", r -> r.contains("ADT"));
        assertThat(masked).doesNotContain("EVERYWOMAN").doesNotContain("PATID1234");
        // the FHIR source streamed the server's Patient back into fhir.Patient
        awaitRecord(kafka, "fhir.Patient", r -> r.contains("PATID1234") && r.contains("EVERYWOMAN"));

        first.destroy(); // SIGTERM, as Ctrl-C
        assertThat(first.waitFor(90, TimeUnit.SECONDS)).as("sandbox stops on SIGTERM").isTrue();
        assertThat(Files.readString(firstLog)).contains("Stopping Kafka");

        Path secondLog = data.resolveSibling(data.getFileName() + "-run2.txt");
        Process second = launch(secondLog, args);
        awaitOutput(second, secondLog, "sandbox is running");
        assertThat(Files.readString(secondLog))
                .as("the connector config survived the restart, and re-applying it changed nothing")
                .contains("Connector sandbox-hl7-mllp is up to date");
    }

    @Test
    void portInUseGivesAClearMessage() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path log = Files.createDirectories(Path.of(System.getProperty("sandbox.work.dir")))
                    .resolve("busy-" + System.nanoTime() + ".txt");
            Process p = launch(log, "--data-dir", log.resolveSibling("busy-data").toString(),
                    "--kafka-port", "" + busy.getLocalPort(), "--rest-port", "" + freePort(),
                    "--controller-port", "" + freePort(), "--jmx-port", "" + freePort(), "--fhir-port", "" + freePort());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log)).contains("port " + busy.getLocalPort())
                    .contains("already in use");
        }
    }

    @Test
    void aTakenMllpPortOfAConfigStopsTheSandboxBeforeItStarts() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path work = Files.createDirectories(Path.of(System.getProperty("sandbox.work.dir")));
            Path configs = Files.createDirectories(work.resolve("busy-configs-" + System.nanoTime()));
            Files.writeString(configs.resolve("hl7.json"), Files.readString(
                    root.resolve("connector-configs/sandbox/hl7-mllp-source.json"))
                    .replace("\"2575\"", "\"" + busy.getLocalPort() + "\""));
            Path log = work.resolve("busy-mllp-" + System.nanoTime() + ".txt");
            Process p = launch(log, "--data-dir", log.resolveSibling("busy-mllp-data").toString(),
                    "--kafka-port", "" + freePort(), "--rest-port", "" + freePort(), "--controller-port",
                    "" + freePort(), "--jmx-port", "" + freePort(), "--fhir-port", "" + freePort(), "--configs",
                    configs.toString());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log)).contains("port " + busy.getLocalPort() + " for the HL7 MLLP listener"
                    + " of hl7.json").contains("already in use").doesNotContain("Starting Kafka")
                    .doesNotContain("RUNNING").doesNotContain("is running");
        }
    }

    private String connectorApply(int exitCode, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/connector-apply").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(exitCode);
        return out;
    }

    private Process launch(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dsandbox.log.dir=" + output.resolveSibling(output.getFileName() + "-logs"),
                "-cp", root.resolve("sandbox/target/sandbox.jar") + File.pathSeparator
                        + root.resolve("sandbox/target/lib") + File.separator + "*",
                Sandbox.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        started.add(p);
        return p;
    }

    private static void awaitOutput(Process p, Path log, String text) {
        Awaitility.await("sandbox output '" + text + "'").atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("sandbox exited: " + Files.readString(log));
                    }
                    return Files.readString(log, StandardCharsets.UTF_8).contains(text);
                });
    }

    /** Sends one message over MLLP and returns the ACK, as bin/hl7-send does. */
    private static String sendMllp(int port, String message) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(SendHl7.frame(message, StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return SendHl7.readFrame(socket.getInputStream(), StandardCharsets.UTF_8);
        }
    }

    /** Waits until {@code topic} holds a record (as bin/topic-tail prints it) that {@code match}es; returns it. */
    private static String awaitRecord(int kafkaPort, String topic, Predicate<String> match) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String[] found = new String[1];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Awaitility.await("a matching record on " + topic).atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        List<TopicPartition> partitions = consumer.listTopics(Duration.ofSeconds(5))
                                .getOrDefault(topic, List.of()).stream()
                                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                        if (partitions.isEmpty()) {
                            return false;
                        }
                        consumer.assign(partitions);
                        consumer.seekToBeginning(partitions);
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                            String json = TailTopic.toJson(r).toString();
                            if (match.test(json)) {
                                found[0] = json;
                                return true;
                            }
                        }
                        return false;
                    });
        }
        return found[0];
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
