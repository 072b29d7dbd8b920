package com.healthcare.kafka.connect.it.failover;

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
import java.util.UUID;
import java.util.function.IntFunction;

import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * A distributed Connect cluster whose workers are separate JVMs ({@code ConnectDistributed} on this test's class
 * path, the built zips on a fresh plugin.path) sharing one group and its topics on a broker in the test JVM. A
 * worker can be killed with SIGKILL ({@link Process#destroyForcibly()}): an in-process worker only ever stops
 * gracefully, which hands its tasks over cleanly and proves nothing about a crash.
 */
final class WorkerJvms implements AutoCloseable {

    /** One worker JVM; {@code id} is what the REST status reports as worker_id. */
    record Worker(String name, int restPort, Process process, Path log) {
        String id() {
            return "127.0.0.1:" + restPort;
        }
    }

    private final String group;
    private final EmbeddedKafkaCluster kafka;
    private final Path pluginPath;
    private final Path workDir;
    private final List<Worker> workers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WorkerJvms(String group, EmbeddedKafkaCluster kafka) throws IOException {
        this.group = group;
        this.kafka = kafka;
        this.pluginPath = ConnectWorker.freshPluginPath(group);
        this.workDir = Files.createDirectories(BuiltZips.workDir().resolve(group + "-"
                + UUID.randomUUID().toString().substring(0, 8)));
    }

    /** Starts {@code n} workers in parallel and waits until each serves REST. */
    List<Worker> start(int n) throws IOException {
        return start(n, Map.of(), i -> Map.of());
    }

    /**
     * Starts {@code n} workers with {@code overrides} on top of the test worker properties and the environment
     * {@code env.apply(i)} for the i-th (as a pod gets its own POD_IP), and waits until each serves REST.
     */
    List<Worker> start(int n, Map<String, String> overrides, IntFunction<Map<String, String>> env)
            throws IOException {
        List<Worker> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(launch(group + "-w" + (workers.size() + 1), overrides, env.apply(i)));
        }
        for (Worker worker : started) {
            awaitRest(worker);
        }
        return started;
    }

    List<Worker> workers() {
        return List.copyOf(workers);
    }

    List<Worker> alive() {
        return workers.stream().filter(w -> w.process().isAlive()).toList();
    }

    Worker byId(String workerId) {
        return workers.stream().filter(w -> w.id().equals(workerId)).findFirst()
                .orElseThrow(() -> new AssertionError("no worker " + workerId + " in " + workers));
    }

    Path workDir() {
        return workDir;
    }

    /** SIGKILL: no shutdown hook runs, no offset flush, no leave-group; sockets are reset by the kernel. */
    void kill(Worker worker) throws InterruptedException {
        worker.process().destroyForcibly();
        worker.process().waitFor();
    }

    private Worker launch(String name, Map<String, String> overrides, Map<String, String> env) throws IOException {
        int restPort = ConnectWorker.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("group.id", group);
        props.put("config.storage.topic", group + "-configs");
        props.put("offset.storage.topic", group + "-offsets");
        props.put("status.storage.topic", group + "-status");
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
        props.put("rest.advertised.port", Integer.toString(restPort));
        props.put("offset.flush.interval.ms", "500");
        // By default a lost worker's tasks wait up to 5 minutes for it to come back; a few seconds here.
        props.put("scheduled.rebalance.max.delay.ms", "5000");
        // The group notices the SIGKILLed worker once its session expires.
        props.put("session.timeout.ms", "6000");
        props.put("heartbeat.interval.ms", "1000");
        props.putAll(overrides);
        Path file = workDir.resolve(name + ".properties");
        Properties properties = new Properties();
        properties.putAll(props);
        try (var writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "failover worker " + name);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xms128m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName(), file.toString());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        Path log = workDir.resolve(name + ".log");
        builder.redirectOutput(log.toFile());
        Worker worker = new Worker(name, restPort, builder.start(), log);
        workers.add(worker);
        return worker;
    }

    private void awaitRest(Worker worker) {
        Awaitility.await("worker " + worker.name() + " REST").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    if (!worker.process().isAlive()) {
                        throw new AssertionError("worker " + worker.name() + " exited: see " + worker.log());
                    }
                    try {
                        return get(worker, "/connectors").statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** Creates or updates a connector through a live worker (a follower forwards to the leader). */
    void putConnector(String name, Map<String, String> config) throws Exception {
        String body = ConnectWorker.JSON.writeValueAsString(config);
        Awaitility.await("PUT connector " + name).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    Worker worker = alive().get(0);
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + worker.restPort() + "/connectors/" + name + "/config"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    // 409: a rebalance is in progress; try again.
                    assertThat(response.statusCode()).as("PUT %s: %s", name, response.body()).isNotIn(400, 500);
                    return response.statusCode() / 100 == 2;
                });
    }

    /** The connector's status as a live worker reports it, or null while unavailable. */
    JsonNode status(String connector) {
        return getJson("/connectors/" + connector + "/status");
    }

    /** A REST resource as JSON from the first live worker that answers 200, or null. */
    JsonNode getJson(String path) {
        for (Worker worker : alive()) {
            try {
                HttpResponse<String> response = get(worker, path);
                if (response.statusCode() == 200) {
                    return ConnectWorker.JSON.readTree(response.body());
                }
            } catch (IOException e) {
                // try the next worker
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** task id to worker_id, when the connector and all {@code tasks} tasks are RUNNING; otherwise null. */
    Map<Integer, String> runningTasks(String connector, int tasks) {
        JsonNode status = status(connector);
        if (status == null || !"RUNNING".equals(status.path("connector").path("state").asText())) {
            return null;
        }
        Map<Integer, String> placement = new HashMap<>();
        for (JsonNode task : status.path("tasks")) {
            if (!"RUNNING".equals(task.path("state").asText())) {
                return null;
            }
            placement.put(task.path("id").asInt(), task.path("worker_id").asText());
        }
        return placement.size() == tasks ? placement : null;
    }

    /** Waits until every task runs on a live worker; returns the placement. */
    Map<Integer, String> awaitTasksOnLiveWorkers(String connector, int tasks, Duration timeout) {
        Map<Integer, String>[] placement = new Map[1];
        Awaitility.await(connector + ": " + tasks + " tasks RUNNING on live workers (worker logs in " + workDir + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Map<Integer, String> now = runningTasks(connector, tasks);
                    List<String> live = alive().stream().map(Worker::id).toList();
                    if (now != null && live.containsAll(now.values())) {
                        placement[0] = now;
                        return true;
                    }
                    return false;
                });
        return placement[0];
    }

    private HttpResponse<String> get(Worker worker, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.restPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Kills every worker JVM this instance started (and only those), by their Process handles. */
    @Override
    public void close() {
        for (Worker worker : workers) {
            if (worker.process().isAlive()) {
                worker.process().destroyForcibly();
                try {
                    worker.process().waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
