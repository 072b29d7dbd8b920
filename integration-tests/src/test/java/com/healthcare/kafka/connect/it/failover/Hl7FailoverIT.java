package com.healthcare.kafka.connect.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The HL7 source on three worker JVMs loses no acknowledged message when one of them is SIGKILLed. Three tasks
 * listen on one port (SO_REUSEPORT across the worker processes), several senders stream over long-lived
 * connections, the worker holding the most sender connections is killed, its task moves to a survivor, the senders
 * reconnect (the kernel now spreads them over the survivors) and resend whatever was not acknowledged. Every
 * message that got AA must be in Kafka; duplicates (a resend of a message whose AA was lost) are counted.
 */
class Hl7FailoverIT {

    private static final String CONNECTOR = "hl7-failover";
    private static final String TOPIC_PREFIX = "failover.";
    private static final int TASKS = 3;
    private static final int SENDERS = 6;
    private static final int ACKED_BEFORE_KILL = 150;
    private static final int ACKED_AFTER_MOVE = 600;
    private static final int ROTATE_EVERY = 10;

    static EmbeddedKafkaCluster kafka;
    static WorkerJvms workers;

    @BeforeAll
    static void start() throws IOException {
        kafka = new EmbeddedKafkaCluster(1, FhirFailoverIT.brokerProps());
        kafka.start();
        workers = new WorkerJvms("hl7-failover", kafka);
        workers.start(3);
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

    @Test
    void everyAcknowledgedMessageSurvivesSigkillOfAWorkerHostingATask() throws Exception {
        int port = ConnectWorker.freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.hl7.Hl7SourceConnector");
        config.put("tasks.max", Integer.toString(TASKS));
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("topic.prefix", TOPIC_PREFIX);
        config.put("poll.interval.ms", "100");
        config.put("producer.override.linger.ms", "0");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "3");
        workers.putConnector(CONNECTOR, config);
        // Workers still joining the group can take tasks over after the first assignment: wait for the spread.
        Awaitility.await("tasks spread over more than one worker").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Map<Integer, String> placement = workers.runningTasks(CONNECTOR, TASKS);
                    return placement != null && new HashSet<>(placement.values()).size() > 1;
                });
        Map<Integer, String> before = workers.awaitTasksOnLiveWorkers(CONNECTOR, TASKS, Duration.ofMinutes(3));
        assertThat(new HashSet<>(before.values())).as("tasks spread over workers: %s", before).hasSizeGreaterThan(1);
        // One port, several processes: SO_REUSEPORT lets each worker JVM's task bind it.
        awaitListenersMatch(before, port);

        try (TopicTally tally = new TopicTally(kafka.bootstrapServers(), TOPIC_PREFIX + "ADT", Hl7FailoverIT::controlId);
             MllpSenders senders = new MllpSenders("127.0.0.1", port, SENDERS, ROTATE_EVERY)) {
            senders.start();
            Awaitility.await("acknowledgements before the kill").atMost(Duration.ofMinutes(2))
                    .until(() -> senders.acked.size() >= ACKED_BEFORE_KILL);

            // The victim: the task-hosting worker that holds the most sender connections right now (connections
            // are long-lived, so the kill certainly cuts some senders off mid-stream).
            Map<WorkerJvms.Worker, Integer> connections = new LinkedHashMap<>();
            for (String id : new TreeSet<>(before.values())) {
                WorkerJvms.Worker worker = workers.byId(id);
                connections.put(worker, establishedConnections(worker.process().pid(), port));
            }
            WorkerJvms.Worker victim = connections.entrySet().stream().max(Comparator.comparingInt(Map.Entry::getValue))
                    .orElseThrow().getKey();
            assertThat(connections.get(victim)).as("sender connections per worker: %s", connections).isPositive();
            int failuresBeforeKill = senders.failures.get();
            int ackedAtKill = senders.acked.size();
            long killedAt = System.nanoTime();
            workers.kill(victim);

            Map<Integer, String> after = workers.awaitTasksOnLiveWorkers(CONNECTOR, TASKS, Duration.ofMinutes(3));
            long moveMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(after.values()).doesNotContain(victim.id());
            // The moved task listens on the survivor: each live worker owns one listening socket per task it runs.
            awaitListenersMatch(after, port);
            // New connections from now on, so the kernel also hands some to the moved task.
            senders.rotateConnections.set(true);
            int ackedAtMove = senders.acked.size();
            Awaitility.await("acknowledgements after the tasks moved").atMost(Duration.ofMinutes(2))
                    .until(() -> senders.acked.size() >= ackedAtMove + ACKED_AFTER_MOVE);
            senders.stopAndJoin();

            assertThat(senders.failures.get() - failuresBeforeKill).as("senders cut off by the kill").isPositive();
            Set<String> acked = Set.copyOf(senders.acked.keySet());
            Awaitility.await("every acknowledged message in Kafka").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250)).until(() -> acked.stream().allMatch(tally::contains));
            Set<String> missing = new TreeSet<>();
            acked.stream().filter(id -> !tally.contains(id)).forEach(missing::add);
            assertThat(missing).as("acknowledged messages missing from Kafka").isEmpty();
            System.out.printf("Hl7FailoverIT: tasks %s -> %s, killed %s holding %d of %d connections %s; tasks moved "
                    + "%d ms after the kill; %d sent (attempts), %d AA (%d at the kill, %d when the tasks moved), "
                    + "%d sender errors/resends, %d connections, %d records for %d ids, %d ids stored more than once%n",
                    before, after, victim.name(), connections.get(victim), SENDERS, connections.values(), moveMillis,
                    senders.attempts.get(), acked.size(), ackedAtKill, ackedAtMove, senders.failures.get(),
                    senders.connections.get(),
                    tally.records(), tally.distinct(), tally.duplicated());
        }
    }

    private static void awaitListenersMatch(Map<Integer, String> placement, int port) {
        Awaitility.await("listening sockets match the placement " + placement).atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    for (WorkerJvms.Worker worker : workers.alive()) {
                        long tasks = placement.values().stream().filter(worker.id()::equals).count();
                        if (listeners(worker.process().pid(), port) != tasks) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    private static String controlId(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader("hl7.control.id");
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * How many established TCP connections to {@code port} are owned by process {@code pid}: the socket inodes in
     * /proc/net/tcp{,6} whose local port is {@code port}, intersected with the process's socket file descriptors.
     * (SO_REUSEPORT across processes is Linux-only, like /proc.)
     */
    static int establishedConnections(long pid, int port) throws IOException {
        return sockets(pid, port, "01");
    }

    /** How many listening sockets on {@code port} process {@code pid} owns: one per task it runs. */
    static int listeners(long pid, int port) throws IOException {
        return sockets(pid, port, "0A");
    }

    /** Sockets of process {@code pid} with local port {@code port} in TCP state {@code state} (hex, as in /proc). */
    private static int sockets(long pid, int port, String state) throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int localPort = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                if (localPort == port && state.equals(f[3])) {
                    inodes.add(f[9]);
                }
            }
        }
        int owned = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                        owned++;
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        }
        return owned;
    }
}
