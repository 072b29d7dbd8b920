package com.healthcare.kafka.connect.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;

/**
 * The FHIR source (tasks.max=1) on three worker JVMs: resources are created steadily on a real HAPI FHIR server, the
 * worker running the task is SIGKILLed after offsets were committed, the task resumes on a survivor from the
 * committed offsets, and every created resource reaches Kafka (no gap). Re-emitted records (at least once: what was
 * written after the last offset commit) are counted, and must be fewer than what was written before the kill, which
 * a restart from scratch would repeat.
 */
class FhirFailoverIT {

    private static final String CONNECTOR = "fhir-failover";
    private static final String TOPIC = "ffo.Patient";
    private static final int STORED_BEFORE_KILL = 300;
    private static final int CREATED_AFTER_MOVE = 300;
    private static final int COMMITTED_PAST = 150;

    static EmbeddedKafkaCluster kafka;
    static WorkerJvms workers;
    static FhirTestServer server;

    static Properties brokerProps() {
        Properties broker = new Properties();
        broker.put("offsets.topic.replication.factor", "1");
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("group.initial.rebalance.delay.ms", "0");
        return broker;
    }

    @BeforeAll
    static void start() throws IOException {
        server = FhirTestServer.start();
        kafka = new EmbeddedKafkaCluster(1, brokerProps());
        kafka.start();
        workers = new WorkerJvms("fhir-failover", kafka);
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
        if (server != null) {
            server.close();
        }
    }

    @Test
    void resumesFromCommittedOffsetsOnASurvivorWithNoGap() throws Exception {
        Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.fhir.FhirSourceConnector");
        config.put("tasks.max", "1");
        config.put("fhir.url", server.baseUrl());
        config.put("fhir.resource.types", "Patient");
        config.put("fhir.page.size", "100");
        config.put("fhir.poll.interval.ms", "300");
        config.put("fhir.retry.backoff.ms", "100");
        config.put("fhir.retry.backoff.max.ms", "2000");
        config.put("fhir.since", since.toString());
        config.put("topic.prefix", "ffo.");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");

        try (TopicTally tally = new TopicTally(kafka.bootstrapServers(), TOPIC,
                r -> r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
             Writer writer = new Writer()) {
            writer.start();
            workers.putConnector(CONNECTOR, config);
            workers.awaitTasksOnLiveWorkers(CONNECTOR, 1, Duration.ofMinutes(3));

            Awaitility.await("records and a committed offset before the kill").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        // A committed offset past the first resources (the first page's records carry the
                        // initial offset), so "resumes from the offset, not from fhir.since" is visible below.
                        Instant committed = committedWatermark();
                        return tally.distinct() >= STORED_BEFORE_KILL && committed != null
                                && committed.isAfter(lastUpdated(Writer.id(COMMITTED_PAST)));
                    });
            // Offsets only move forward: the survivor resumes at this watermark or a later one.
            Instant committedBeforeKill = committedWatermark();
            // Where the task runs now (a worker that joined late may have taken it over since it started).
            WorkerJvms.Worker victim = workers.byId(workers.awaitTasksOnLiveWorkers(CONNECTOR, 1,
                    Duration.ofMinutes(1)).get(0));
            int createdAtKill = writer.created.get();
            int storedAtKill = tally.distinct();
            long killedAt = System.nanoTime();
            workers.kill(victim);

            Map<Integer, String> after = workers.awaitTasksOnLiveWorkers(CONNECTOR, 1, Duration.ofMinutes(3));
            long moveMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(after.get(0)).isNotEqualTo(victim.id());
            int createdAtMove = writer.created.get();
            Awaitility.await("resources created after the task moved").atMost(Duration.ofMinutes(1))
                    .until(() -> writer.created.get() >= createdAtMove + CREATED_AFTER_MOVE);
            writer.close();
            int created = writer.created.get();

            List<String> keys = IntStream.range(0, created).mapToObj(i -> "Patient/" + Writer.id(i)).toList();
            Awaitility.await("every created resource in Kafka").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250)).until(() -> keys.stream().allMatch(tally::contains));
            assertThat(keys.stream().filter(k -> !tally.contains(k)).toList()).as("created but not in Kafka").isEmpty();
            assertThat(tally.distinct()).as("no record for a resource that was not created").isEqualTo(created);
            // Resumed from the committed offset, not from fhir.since: only resources at or after the watermark
            // committed before the kill can have been emitted twice.
            List<String> repeatedBeforeWatermark = tally.duplicatedIds().stream()
                    .filter(k -> lastUpdated(k.substring("Patient/".length())).isBefore(committedBeforeKill))
                    .toList();
            assertThat(repeatedBeforeWatermark).as("re-emitted although before the committed watermark %s",
                    committedBeforeKill).isEmpty();
            assertThat(tally.duplicatedIds()).as("the first resource is not re-read").doesNotContain("Patient/"
                    + Writer.id(0));
            long beforeWatermark = IntStream.range(0, created)
                    .filter(i -> lastUpdated(Writer.id(i)).isBefore(committedBeforeKill)).count();
            System.out.printf("FhirFailoverIT: task on %s killed (%d created, %d in Kafka, %d before the committed "
                    + "watermark %s); task moved to %s %d ms after the kill; %d created in all, %d records, %d "
                    + "resources stored more than once (%d extra copies)%n", victim.name(), createdAtKill,
                    storedAtKill, beforeWatermark, committedBeforeKill, after.get(0), moveMillis, created,
                    tally.records(), tally.duplicated(), tally.extraCopies());
        }
    }

    private static Instant lastUpdated(String patientId) {
        return server.store().current("Patient", patientId).lastUpdated();
    }

    /** The watermark of the committed Patient offset (GET /connectors/{name}/offsets, Kafka 3.5+), or null. */
    private static Instant committedWatermark() {
        JsonNode offsets = workers.getJson("/connectors/" + CONNECTOR + "/offsets");
        if (offsets == null) {
            return null;
        }
        for (JsonNode entry : offsets.path("offsets")) {
            if ("Patient".equals(entry.path("partition").path("resourceType").asText())
                    && entry.path("offset").hasNonNull("wm")) {
                return OffsetDateTime.parse(entry.path("offset").path("wm").asText()).toInstant();
            }
        }
        return null;
    }

    /** Creates Patients on the FHIR server one by one, at a steady pace, until closed. */
    private static final class Writer implements AutoCloseable {
        final AtomicInteger created = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Thread thread = new Thread(this::run, "failover-fhir-writer");

        static String id(int i) {
            return "fo-p" + i;
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (!stopped.get()) {
                    int i = created.get();
                    Patient patient = new Patient();
                    patient.setId(id(i));
                    patient.addName().setFamily("Failover" + i).addGiven("Test");
                    patient.setGender(Enumerations.AdministrativeGender.UNKNOWN);
                    server.store().put(patient);
                    created.incrementAndGet();
                    Thread.sleep(5); // the pace of a busy EHR, not a synchronisation
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopped.set(true);
            thread.join(10_000);
        }
    }
}
