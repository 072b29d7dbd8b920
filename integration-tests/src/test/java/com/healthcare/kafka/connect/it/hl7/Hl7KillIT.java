package com.healthcare.kafka.connect.it.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The no-loss promise under SIGKILL. The worker runs as its own JVM ({@code ConnectDistributed}, the built zips on
 * its plugin.path) against a broker in this JVM. Senders stream messages and resend whatever was not
 * acknowledged; the worker is killed with {@code destroyForcibly()} mid-stream and started again. Every message
 * that got AA must be in Kafka; with exactly_once on an exactly-once worker (tasks.max=1), none twice.
 */
class Hl7KillIT {

    private static final int SENDERS = 4;
    private static final int MESSAGES_PER_SENDER = 100;
    private static final int ACKED_BEFORE_KILL = 120;

    static EmbeddedKafkaCluster kafka;
    static Path pluginPath;
    static Path workDir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startBroker() throws IOException {
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("offsets.topic.replication.factor", "1");
        broker.put("group.initial.rebalance.delay.ms", "0");
        kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
        pluginPath = ConnectWorker.freshPluginPath("kill");
        workDir = Files.createDirectories(BuiltZips.workDir().resolve("kill-" + UUID.randomUUID().toString()
                .substring(0, 8)));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @AfterEach
    void killWorkers() throws InterruptedException {
        for (Process process : processes) {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    @Test
    void atLeastOnceLosesNoAcknowledgedMessageAcrossSigkill() throws Exception {
        Map<String, Integer> counts = scenario("alo", false, "at_least_once");
        assertThat(counts.values()).allMatch(n -> n >= 1);
    }

    @Test
    void exactlyOnceNeitherLosesNorDuplicatesAcrossSigkill() throws Exception {
        Map<String, Integer> counts = scenario("eos", true, "exactly_once");
        Map<String, Integer> duplicated = new HashMap<>();
        counts.forEach((id, n) -> {
            if (n > 1) {
                duplicated.put(id, n);
            }
        });
        assertThat(duplicated).as("messages stored more than once").isEmpty();
    }

    /** Runs the kill scenario; returns, per acknowledged control id, how often it is in Kafka. */
    private Map<String, Integer> scenario(String id, boolean exactlyOnceWorker, String guarantee) throws Exception {
        int restPort = ConnectWorker.freePort();
        int mllpPort = ConnectWorker.freePort();
        Path properties = writeWorkerProperties(id, restPort, exactlyOnceWorker);
        Process first = launch(properties, id + "-1");
        awaitRest(restPort, first, id + "-1");

        String name = "kill-" + id;
        String prefix = "kill-" + id + ".";
        Map<String, String> config = Hl7ItSupport.connector(mllpPort, prefix, Map.of(
                "processing.guarantee", guarantee,
                "hl7.ack.timeout.ms", "10000"));
        if (exactlyOnceWorker) {
            // Fails the connector's creation unless it declares exactly-once support.
            config.put("exactly.once.support", "required");
            // The killed task's open transaction holds back read_committed readers (the restarted worker's
            // offset reads included) until it times out: keep that short.
            config.put("producer.override.transaction.timeout.ms", "10000");
        }
        put(restPort, "/connectors/" + name + "/config", ConnectWorker.JSON.writeValueAsString(config));
        awaitRunning(restPort, name);

        Senders senders = new Senders(mllpPort, id);
        senders.start();
        Awaitility.await("acknowledgements before the kill").atMost(Duration.ofMinutes(2))
                .until(() -> senders.acked.size() >= ACKED_BEFORE_KILL);
        first.destroyForcibly();
        first.waitFor();
        List<String> ackedBeforeKill = new ArrayList<>(senders.acked.keySet());
        int ackedAtKill = ackedBeforeKill.size();

        Process second = launch(properties, id + "-2");
        awaitRest(restPort, second, id + "-2");
        Awaitility.await("every message acknowledged after the restart").atMost(Duration.ofMinutes(4))
                .until(senders::done);
        senders.stop();
        assertThat(ackedAtKill).isLessThan(SENDERS * MESSAGES_PER_SENDER);
        assertThat(senders.failures.get()).as("senders saw the kill (errors, timeouts, reconnects)").isPositive();

        // A sender whose ACKs were lost in the crash resends messages Kafka already has: under exactly_once
        // the restored window answers them AA without a second record.
        List<String> replayed = ackedBeforeKill.subList(Math.max(0, ackedAtKill - 30), ackedAtKill);
        try (MllpSocketClient socket = MllpSocketClient.connect(mllpPort)) {
            for (String controlId : replayed) {
                String sender = controlId.split("-")[1];
                String response = socket.exchange(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", controlId,
                        "MRN-" + sender), 30_000);
                assertThat(MllpSocketClient.segment(response, "MSA")).isEqualTo("MSA|AA|" + controlId);
            }
        }

        Map<String, Integer> counts = countInKafka(prefix + "ADT", senders.acked.keySet());
        Set<String> missing = new java.util.TreeSet<>(senders.acked.keySet());
        missing.removeAll(counts.keySet());
        assertThat(missing).as("acknowledged messages missing from Kafka").isEmpty();
        long duplicates = counts.values().stream().filter(n -> n > 1).count();
        System.out.printf("Hl7KillIT %s: %d acknowledged before the kill, %d in all, %d sender errors/retries, "
                + "%d replayed, %d stored more than once%n", id, ackedAtKill, senders.acked.size(),
                senders.failures.get(), replayed.size(), duplicates);
        // A graceful stop is not under test here, and Connect's shutdown hook can wait long on its REST server.
        second.destroy();
        if (!second.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            second.destroyForcibly();
            second.waitFor();
        }
        return counts;
    }

    private Path writeWorkerProperties(String id, int restPort, boolean exactlyOnce) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("group.id", "kill-" + id);
        props.put("config.storage.topic", "kill-" + id + "-configs");
        props.put("offset.storage.topic", "kill-" + id + "-offsets");
        props.put("status.storage.topic", "kill-" + id + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        props.put("plugin.discovery", "service_load");
        props.put("listeners", "http://127.0.0.1:" + restPort);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("offset.flush.interval.ms", "1000");
        // A killed worker's tasks are reassigned as soon as its session ends, not after the default 5 minutes.
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("session.timeout.ms", "6000");
        props.put("heartbeat.interval.ms", "1000");
        if (exactlyOnce) {
            props.put("exactly.once.source.support", "enabled");
        }
        Path file = workDir.resolve(id + "-worker.properties");
        Properties properties = new Properties();
        properties.putAll(props);
        try (var writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "Hl7KillIT worker " + id);
        }
        return file;
    }

    private Process launch(Path properties, String logName) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xms128m", "-Xmx768m", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.connect.cli.ConnectDistributed", properties.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(workDir.resolve(logName + ".log").toFile());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitRest(int port, Process process, String logName) {
        Awaitility.await("worker " + logName + " REST").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("worker " + logName + " exited: see " + workDir.resolve(logName
                                + ".log"));
                    }
                    try {
                        return get(port, "/connectors").statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private void awaitRunning(int port, String name) {
        Awaitility.await("connector " + name + " running").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    HttpResponse<String> response = get(port, "/connectors/" + name + "/status");
                    if (response.statusCode() != 200) {
                        return false;
                    }
                    JsonNode status = ConnectWorker.JSON.readTree(response.body());
                    JsonNode tasks = status.get("tasks");
                    return "RUNNING".equals(status.get("connector").get("state").asText()) && tasks.size() == 1
                            && "RUNNING".equals(tasks.get(0).get("state").asText());
                });
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void put(int port, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT %s: %s", path, response.body()).isBetween(200, 299);
    }

    /** Reads the topic (read_committed) until every expected id is seen and the topic stays quiet. */
    private Map<String, Integer> countInKafka(String topic, Set<String> expected) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kill-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> counts = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int quietPolls = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumerAndSubscribeTo(props, topic)) {
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    counts.merge(Hl7ItSupport.header(record, "hl7.control.id"), 1, Integer::sum);
                }
                quietPolls = batch.isEmpty() ? quietPolls + 1 : 0;
                if (counts.keySet().containsAll(expected) && quietPolls >= 4) {
                    break;
                }
            }
        }
        return counts;
    }

    /** Threads that each send their own messages in order, resending until AA, reconnecting as needed. */
    private static final class Senders {
        final Map<String, Boolean> acked = new ConcurrentHashMap<>();
        final AtomicInteger failures = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicInteger finished = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private final int port;
        private final String id;

        Senders(int port, String id) {
            this.port = port;
            this.id = id;
        }

        void start() {
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                Thread thread = new Thread(() -> run(sender), "kill-sender-" + id + "-" + s);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        boolean done() {
            return finished.get() == SENDERS;
        }

        void stop() throws InterruptedException {
            stopped.set(true);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }

        private void run(int sender) {
            MllpSocketClient socket = null;
            try {
                for (int i = 0; i < MESSAGES_PER_SENDER && !stopped.get(); i++) {
                    String controlId = id.toUpperCase() + "-" + sender + "-" + i;
                    String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", controlId, "MRN-" + sender);
                    while (!stopped.get()) {
                        try {
                            if (socket == null) {
                                socket = MllpSocketClient.connect(port);
                            }
                            String response = socket.exchange(message, 15_000);
                            if (response == null) {
                                throw new IOException("no response");
                            }
                            String msa = MllpSocketClient.segment(response, "MSA");
                            if (msa != null && msa.startsWith("MSA|AA|" + controlId)) {
                                acked.put(controlId, Boolean.TRUE);
                                break;
                            }
                            failures.incrementAndGet();
                            Thread.sleep(200);
                        } catch (IOException e) {
                            failures.incrementAndGet();
                            if (socket != null) {
                                closeQuietly(socket);
                                socket = null;
                            }
                            Thread.sleep(250);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (socket != null) {
                    closeQuietly(socket);
                }
                finished.incrementAndGet();
            }
        }

        private static void closeQuietly(MllpSocketClient socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Reconnecting anyway.
            }
        }
    }
}
