package com.healthcare.kafka.connect.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.healthcare.kafka.connect.it.kubernetes.BalancerSettings;

/**
 * The Kubernetes MLLP design (docker/kubernetes/plain/mllp-balancer.yaml), simulated on one machine: three
 * Connect worker JVMs stand for three pods, each with its own address (POD_IP 127.0.0.2, .3, .4; the HL7 connector
 * binds {@code ${env:POD_IP}}, resolved by each worker for itself as in a pod's own network namespace), with the
 * worker settings of the shipped worker ConfigMap. HL7 senders know only the balancer's address; the balancer
 * checks each pod's MLLP port with the shipped HAProxy settings. A worker hosting a task is SIGKILLed mid-stream:
 * the balancer marks it down and cuts its sessions, the senders reconnect through the balancer to live listeners
 * and resend what was not acknowledged, the lost task moves to a survivor and the balancer brings its new
 * listener in. Every acknowledged message is in Kafka, and no session goes to a pod the balancer has marked down.
 */
class Hl7ReachabilityIT {

    private static final String CONNECTOR = "hl7-mllp-source";
    private static final int WORKERS = 3;
    private static final int SENDERS = 6;
    private static final int ACKED_BEFORE_KILL = 150;
    private static final int ACKED_AFTER_MOVE = 300;

    static EmbeddedKafkaCluster kafka;
    static WorkerJvms workers;
    static Properties shippedWorker;
    static BalancerSettings shippedBalancer;

    @BeforeAll
    static void start() throws IOException {
        Path plain = BuiltZips.projectRoot().resolve("docker/kubernetes/plain");
        shippedWorker = new Properties();
        shippedWorker.load(new StringReader(configMapData(plain.resolve("connect-worker-config.yaml"),
                "healthcare-connect-worker", "connect-distributed.properties")));
        shippedBalancer = BalancerSettings.parse(configMapData(plain.resolve("mllp-balancer.yaml"), "mllp-balancer",
                "haproxy.cfg"));
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String key : List.of("scheduled.rebalance.max.delay.ms", "session.timeout.ms", "heartbeat.interval.ms",
                "config.providers", "config.providers.env.class")) {
            overrides.put(key, shippedWorker.getProperty(key));
        }
        overrides.put("config.providers", "env");
        kafka = new EmbeddedKafkaCluster(1, FhirFailoverIT.brokerProps());
        kafka.start();
        workers = new WorkerJvms("hl7-reach", kafka);
        workers.start(WORKERS, overrides, i -> Map.of("POD_IP", podIp(i)));
    }

    @AfterAll
    static void stop() {
        if (workers != null) {
            workers.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    static String podIp(int worker) {
        return "127.0.0." + (2 + worker);
    }

    @Test
    void sendersReachTheListenersThroughTheBalancerAcrossASigkill() throws Exception {
        int port = ConnectWorker.freePort();
        Map<String, String> config = shippedKubernetesConfig();
        config.put("hl7.listener.host", "${env:POD_IP}");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "3");
        workers.putConnector(CONNECTOR, config);
        Map<Integer, String> before = workers.awaitTasksOnLiveWorkers(CONNECTOR, WORKERS, Duration.ofMinutes(3));

        List<InetSocketAddress> pods = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            pods.add(new InetSocketAddress(podIp(i), port));
        }
        try (TcpBalancer balancer = new TcpBalancer(pods, shippedBalancer);
             TopicTally tally = new TopicTally(kafka.bootstrapServers(), "hl7.ADT", Hl7ReachabilityIT::controlId);
             MllpSenders senders = new MllpSenders("127.0.0.1", balancer.port(), SENDERS, 10)) {
            balancer.start();
            // The balancer brings in exactly the pods whose worker runs a task (each listens on its own address).
            awaitBalancerMatches(balancer, before, port);
            senders.start();
            Awaitility.await("acknowledgements before the kill").atMost(Duration.ofMinutes(2))
                    .until(() -> senders.acked.size() >= ACKED_BEFORE_KILL);

            // The victim: the pod with the most balancer sessions right now.
            InetSocketAddress victimPod = balancer.up().stream()
                    .max((a, b) -> Integer.compare(balancer.backend(a).sessions.size(),
                            balancer.backend(b).sessions.size())).orElseThrow();
            WorkerJvms.Worker victim = workers.workers().get(pods.indexOf(victimPod));
            assertThat(balancer.backend(victimPod).sessions).as("sessions on the victim").isNotEmpty();
            int failuresBeforeKill = senders.failures.get();
            long killedAt = System.nanoTime();
            workers.kill(victim);

            Awaitility.await("the balancer marks the killed pod down").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100)).until(() -> !balancer.up().contains(victimPod));
            long downMillis = (balancer.backend(victimPod).downSinceNanos - killedAt) / 1_000_000;
            Map<Integer, String> after = workers.awaitTasksOnLiveWorkers(CONNECTOR, WORKERS, Duration.ofMinutes(3));
            long movedMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(after.values()).doesNotContain(victim.id());
            awaitBalancerMatches(balancer, after, port);
            senders.rotateConnections.set(true);
            int ackedAtMove = senders.acked.size();
            Awaitility.await("acknowledgements after the task moved").atMost(Duration.ofMinutes(2))
                    .until(() -> senders.acked.size() >= ackedAtMove + ACKED_AFTER_MOVE);
            senders.stopAndJoin();

            assertThat(senders.failures.get() - failuresBeforeKill).as("senders cut off by the kill").isPositive();
            assertThat(balancer.backend(victimPod).openedWhileDown.get()).as("sessions sent to a downed pod")
                    .isZero();
            // Upper bound of the detection time the shipped settings promise: fall checks, each up to inter apart
            // and each taking up to inter to time out, plus one interval of phase.
            long promised = shippedBalancer.interval().toMillis() * (2L * shippedBalancer.fall() + 1);
            assertThat(downMillis).as("ms from the kill to the balancer marking the pod down").isLessThanOrEqualTo(
                    promised + 2_000);
            Set<String> acked = Set.copyOf(senders.acked.keySet());
            Awaitility.await("every acknowledged message in Kafka").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250)).until(() -> acked.stream().allMatch(tally::contains));
            System.out.printf("Hl7ReachabilityIT: tasks %s -> %s; killed %s (%s); balancer marked it down %d ms after "
                    + "the kill, tasks moved after %d ms; %d AA, %d sender errors/resends, %d connections, %d records "
                    + "for %d ids%n", before, after, victim.name(), victimPod, downMillis, movedMillis, acked.size(),
                    senders.failures.get(), senders.connections.get(), tally.records(), tally.distinct());
        }
    }

    /** The shipped HL7 source config as the Kubernetes manifests run it (connectors.yaml of the plain flavour). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> shippedKubernetesConfig() throws IOException {
        Path file = BuiltZips.projectRoot().resolve("docker/kubernetes/plain/connectors.yaml");
        Map<String, Object> configMap = new Yaml().load(Files.readString(file));
        Map<String, String> data = (Map<String, String>) configMap.get("data");
        Map<String, Object> json = ConnectWorker.JSON.readValue(data.get("hl7-mllp-source.json"), Map.class);
        Map<String, String> config = new LinkedHashMap<>();
        ((Map<String, Object>) json.get("config")).forEach((k, v) -> config.put(k, String.valueOf(v)));
        assertThat(config.get("tasks.max")).isEqualTo(Integer.toString(WORKERS));
        return config;
    }

    /** The balancer's up set equals the addresses of the workers running a task. */
    private static void awaitBalancerMatches(TcpBalancer balancer, Map<Integer, String> placement, int port) {
        Awaitility.await("balancer up set matches the task placement " + placement).atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    Set<InetSocketAddress> hosting = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
                    List<WorkerJvms.Worker> all = workers.workers();
                    for (int i = 0; i < all.size(); i++) {
                        if (all.get(i).process().isAlive() && placement.containsValue(all.get(i).id())) {
                            hosting.add(new InetSocketAddress(podIp(i), port));
                        }
                    }
                    return balancer.up().equals(hosting.stream().collect(Collectors.toSet()));
                });
    }

    @SuppressWarnings("unchecked")
    private static String configMapData(Path file, String name, String key) throws IOException {
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
            Map<String, Object> resource = (Map<String, Object>) doc;
            if (resource != null && "ConfigMap".equals(resource.get("kind"))
                    && name.equals(((Map<String, Object>) resource.get("metadata")).get("name"))) {
                return ((Map<String, String>) resource.get("data")).get(key);
            }
        }
        throw new IllegalArgumentException("no ConfigMap " + name + " in " + file);
    }

    private static String controlId(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader("hl7.control.id");
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
