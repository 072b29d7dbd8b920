package com.healthcare.kafka.connect.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real KRaft broker plus a real distributed Connect worker (Kafka's {@link EmbeddedConnectCluster}) whose
 * {@code plugin.path} holds the built zips, freshly unpacked, found through {@code plugin.discovery=service_load}
 * (which also proves the META-INF/services manifests). Every plugin IT runs on this.
 */
public final class ConnectWorker implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedConnectCluster cluster;
    private final Path pluginPath;

    private ConnectWorker(EmbeddedConnectCluster cluster, Path pluginPath) {
        this.cluster = cluster;
        this.pluginPath = pluginPath;
    }

    /** A one-broker, one-worker cluster with the default worker settings of {@link #defaultWorkerProps}. */
    public static ConnectWorker start(String name) {
        return start(name, Map.of());
    }

    /**
     * @param workerOverrides worker properties to add or override (e.g. {@code exactly.once.source.support})
     */
    public static ConnectWorker start(String name, Map<String, String> workerOverrides) {
        return start(name, 1, workerOverrides, new Properties());
    }

    public static ConnectWorker start(String name, int workers, Map<String, String> workerOverrides,
                                      Properties brokerProps) {
        return start(name, workers, workerOverrides, brokerProps, false);
    }

    /**
     * @param hl7ValidationPack whether to install the HL7 validation pack (HAPI, for hl7.validation.enabled) into
     *                          the HL7 source plugin, as users who validate do
     */
    public static ConnectWorker start(String name, int workers, Map<String, String> workerOverrides,
                                      Properties brokerProps, boolean hl7ValidationPack) {
        Path pluginPath = freshPluginPath(name);
        if (hl7ValidationPack) {
            BuiltZips.installHl7ValidationPack(pluginPath);
        }
        Map<String, String> props = defaultWorkerProps(pluginPath);
        props.putAll(workerOverrides);
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .brokerProps(brokerProps)
                .workerProps(props)
                .build();
        cluster.start();
        ConnectWorker worker = new ConnectWorker(cluster, pluginPath);
        Awaitility.await("worker " + name + " healthy").atMost(Duration.ofSeconds(120))
                .until(cluster::allWorkersHealthy);
        return worker;
    }

    /**
     * Like {@link #start(String, Map)}, with more plugin directories after the built zips on {@code plugin.path}
     * (e.g. third-party connectors such as Debezium, unpacked by the build): they stay off the test classpath.
     *
     * @param extraPluginDirs directories that each hold plugin folders, as {@code plugin.path} entries do
     */
    public static ConnectWorker start(String name, Map<String, String> workerOverrides, Path... extraPluginDirs) {
        Path pluginPath = freshPluginPath(name);
        Map<String, String> props = defaultWorkerProps(pluginPath);
        StringBuilder path = new StringBuilder(pluginPath.toAbsolutePath().toString());
        for (Path dir : extraPluginDirs) {
            path.append(',').append(dir.toAbsolutePath());
        }
        props.put("plugin.path", path.toString());
        props.putAll(workerOverrides);
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(1)
                .numBrokers(1)
                .brokerProps(new Properties())
                .workerProps(props)
                .build();
        cluster.start();
        ConnectWorker worker = new ConnectWorker(cluster, pluginPath);
        Awaitility.await("worker " + name + " healthy").atMost(Duration.ofSeconds(120))
                .until(cluster::allWorkersHealthy);
        return worker;
    }

    /** Unpacks the built zips into a new directory under target/it-work. */
    public static Path freshPluginPath(String name) {
        try {
            Path dir = Files.createDirectories(BuiltZips.workDir())
                    .resolve(name + "-plugins-" + UUID.randomUUID().toString().substring(0, 8));
            return BuiltZips.unpackAll(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, String> defaultWorkerProps(Path pluginPath) {
        Map<String, String> props = new HashMap<>();
        props.put("plugin.path", pluginPath.toAbsolutePath().toString());
        props.put("plugin.discovery", "service_load");
        props.put("offset.flush.interval.ms", "1000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("config.providers", "file");
        props.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        return props;
    }

    /** A free loopback TCP port (for listeners the plugins open). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public EmbeddedConnectCluster cluster() {
        return cluster;
    }

    public EmbeddedKafkaCluster kafka() {
        return cluster.kafka();
    }

    public Path pluginPath() {
        return pluginPath;
    }

    public String endpoint(String resource) {
        return cluster.endpointForResource(resource);
    }

    /**
     * GET on the worker's REST API, parsed as JSON; fails on a non-2xx status. While the group rebalances (after a
     * config change) the worker answers 409 or 500 "rebalance ..." for a moment: those are retried for up to 60 s.
     */
    public JsonNode getJson(String resource) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            // var: Response is jakarta.ws.rs on Kafka 4.x and javax.ws.rs on 3.x; the harness compiles on both.
            var response = cluster.requestGet(endpoint(resource));
            Object entity = response.getEntity();
            String body = entity == null ? "" : entity.toString();
            if (response.getStatus() / 100 == 2) {
                return parse(body);
            }
            boolean rebalancing = response.getStatus() == 409
                    || (response.getStatus() == 500 && body.toLowerCase(java.util.Locale.ROOT).contains("rebalanc"));
            if (!rebalancing || System.nanoTime() > deadline) {
                throw new AssertionError("GET " + resource + " -> " + response.getStatus() + ": " + body);
            }
            try {
                Thread.sleep(200); // polling interval of a retry loop, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * PUT /connector-plugins/{class}/config/validate as raw REST, parsed as JSON ({@code error_count},
     * {@code configs[].value.name|errors}): works the same on every worker version.
     */
    public JsonNode validateJson(String connectorClass, Map<String, String> config) {
        try {
            String url = endpoint("connector-plugins/" + connectorClass + "/config/validate");
            var response = cluster.requestPut(url, JSON.writeValueAsString(config));
            Object entity = response.getEntity();
            String body = entity == null ? "" : entity.toString();
            if (response.getStatus() / 100 != 2) {
                throw new AssertionError("validate " + connectorClass + " -> " + response.getStatus() + ": " + body);
            }
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The validation errors of a {@link #validateJson} result, "key: [errors]" per line; empty when none. */
    public static String errors(JsonNode validation) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode config : validation.path("configs")) {
            JsonNode errors = config.path("value").path("errors");
            if (errors.size() > 0) {
                sb.append(config.path("value").path("name").asText()).append(": ").append(errors).append('\n');
            }
        }
        return sb.toString();
    }

    /** PUT /connector-plugins/{class}/config/validate through the REST API. */
    public ConfigInfos validate(String connectorClass, Map<String, String> config) {
        return cluster.validateConnectorConfig(connectorClass, config);
    }

    /** Creates or updates a connector and waits until it and {@code tasks} tasks run. */
    public void startConnector(String name, Map<String, String> config, int tasks) {
        cluster.configureConnector(name, config);
        try {
            cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks,
                    "Connector " + name + " did not start with " + tasks + " task(s)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads records from the start of {@code topics} until {@code expected} arrived or the timeout passed, and
     * always at least every record the topics held when the read began, however long that takes (up to
     * {@link #BACKLOG_READ_LIMIT}). The consumer is assigned the partitions directly (no group to join), so a
     * short timeout bounds only the wait for new records, never the time to read what is already there: a
     * "nothing more arrives" check cannot pass just because the read was slow to start.
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(int expected, Duration timeout, String... topics) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long backlogDeadline = start + Math.max(timeout.toNanos(), BACKLOG_READ_LIMIT.toNanos());
        try (KafkaConsumer<byte[], byte[]> consumer = kafka().createConsumer(props)) {
            Set<String> missing = new HashSet<>(List.of(topics));
            Set<TopicPartition> assigned = new HashSet<>();
            Map<TopicPartition, Long> backlogEnds = new HashMap<>();
            while (records.size() < expected) {
                long now = System.nanoTime();
                if (!missing.isEmpty() && now < deadline) {
                    assignNewPartitions(consumer, missing, assigned, backlogEnds);
                }
                boolean backlogRead = backlogEnds.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                if ((now >= deadline && backlogRead) || now >= backlogDeadline) {
                    break;
                }
                if (assigned.isEmpty()) {
                    pollInterval(); // none of the topics exists yet: nothing to poll
                    continue;
                }
                consumer.poll(Duration.ofMillis(250)).forEach(records::add);
            }
        }
        return records;
    }

    /** How long {@link #consume} may take to read what the topics already held. */
    private static final Duration BACKLOG_READ_LIMIT = Duration.ofSeconds(60);

    private static void pollInterval() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assignNewPartitions(KafkaConsumer<byte[], byte[]> consumer, Set<String> missing,
                                            Set<TopicPartition> assigned, Map<TopicPartition, Long> backlogEnds) {
        Map<String, List<PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(5));
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : List.copyOf(missing)) {
            List<PartitionInfo> partitions = existing.get(topic);
            if (partitions != null && !partitions.isEmpty()) {
                missing.remove(topic);
                partitions.forEach(p -> added.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        if (!added.isEmpty()) {
            assigned.addAll(added);
            consumer.assign(assigned);
            consumer.seekToBeginning(added);
            backlogEnds.putAll(consumer.endOffsets(added));
        }
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
