package com.healthcare.kafka.connect.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.fhir.HapiJpa;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The FHIR source's Bulk Data initial load ({@code fhir.initial.load=bulk-export}) against a real HAPI FHIR JPA
 * server (its own JVM, see {@link HapiJpaJvm}) holding a few thousand resources, on two worker JVMs with
 * exactly-once source support, read with {@code isolation.level=read_committed}:
 * <ul>
 *   <li>the export's files are read through a proxy slowed down to a trickle, and the worker running the task is
 *   SIGKILLed while a Patient file is half read (asserted from the committed offset and the file itself); the task
 *   resumes on the other worker from the committed line of the same job (no second kick-off);</li>
 *   <li>resources created and updated after the kick-off, both before the files stream and while they do, come
 *   through the hand-over {@code _lastUpdated} poll;</li>
 *   <li>every resource version is in Kafka exactly once, the untouched ones from the export
 *   ({@code fhir.source=bulk}, version 1), and the job is cleaned up at the end with the task still RUNNING.</li>
 * </ul>
 */
class FhirBulkExportIT {

    private static final String CONNECTOR = "fhir-bulk";
    private static final String PREFIX = "bulk.";
    private static final int PATIENTS = 2000;
    private static final int OBSERVATIONS = 1000;
    private static final int CHANGED = 10;
    /** Committed Patient records after which the worker is killed: well inside HAPI's 1000-line files. */
    private static final int KILL_AFTER = 300;
    /** Slow enough that a file takes several seconds, so the kill lands while it is being read. */
    private static final int TRICKLE_BYTES_PER_SECOND = 32 * 1024;

    static HapiJpaJvm hapi;
    static EmbeddedKafkaCluster kafka;
    static WorkerJvms workers;
    static ThrottledProxy proxy;
    static HapiJpa fhir;
    static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        workDir = Files.createDirectories(BuiltZips.workDir().resolve("fhir-bulk-"
                + UUID.randomUUID().toString().substring(0, 8)));
        // HAPI JPA boots in its JVM while the broker and the workers start here
        CompletableFuture<HapiJpaJvm> server = CompletableFuture.supplyAsync(() -> {
            try {
                return HapiJpaJvm.start(workDir);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            kafka = new EmbeddedKafkaCluster(1, FhirFailoverIT.brokerProps());
            kafka.start();
            workers = new WorkerJvms("fhir-bulk", kafka);
            workers.start(2, Map.of("exactly.once.source.support", "enabled"), i -> Map.of());
        } finally {
            hapi = server.join();
        }
        proxy = new ThrottledProxy(hapi.port());
        fhir = new HapiJpa(hapi.baseUrl());
        for (int from = 0; from < PATIENTS; from += 500) {
            fhir.putAll(patients("bulk-p", from, Math.min(500, PATIENTS - from), "Original"));
        }
        for (int from = 0; from < OBSERVATIONS; from += 500) {
            fhir.putAll(observations("bulk-o", from, Math.min(500, OBSERVATIONS - from), "final"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (workers != null) {
            workers.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (hapi != null) {
            hapi.close();
        }
    }

    @Test
    void bulkLoadEmitsEveryVersionOnceThroughAKillMidFileAndHandsChangesToThePoll() throws Exception {
        String base = "http://127.0.0.1:" + proxy.port() + "/fhir";
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.fhir.FhirSourceConnector");
        config.put("tasks.max", "1");
        config.put("fhir.url", base);
        config.put("fhir.resource.types", "Patient,Observation");
        config.put("fhir.initial.load", "bulk-export");
        config.put("fhir.bulk.export.poll.interval.ms", "500");
        // HAPI JPA answers every status request with Retry-After: 120
        config.put("fhir.bulk.export.retry.after.max.ms", "1000");
        config.put("fhir.page.size", "100");
        config.put("fhir.poll.interval.ms", "1000");
        config.put("fhir.retry.backoff.ms", "200");
        config.put("fhir.retry.backoff.max.ms", "2000");
        config.put("topic.prefix", PREFIX);
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("exactly.once.support", "required");

        try (Committed committed = new Committed(kafka.bootstrapServers(), PREFIX + "Patient",
                PREFIX + "Observation")) {
            proxy.throttle(TRICKLE_BYTES_PER_SECOND);
            workers.putConnector(CONNECTOR, config);
            awaitLog("the export kicked off", "Bulk export started for", Duration.ofMinutes(3));
            long kickedOff = System.nanoTime();

            // Changes after the kick-off, before the files stream: the job may or may not have read them.
            fhir.putAll(patients("bulk-early-p", 0, CHANGED, "Early"));
            fhir.putAll(patients("bulk-p", 0, CHANGED, "UpdatedEarly"));

            Awaitility.await("the first Patient lines of the export in Kafka").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200)).until(() -> committed.count(PREFIX + "Patient") > 0);
            long firstRecordMs = (System.nanoTime() - kickedOff) / 1_000_000;
            // Changes while the files stream: the export's files were all written before its manifest, so these
            // come through the hand-over poll only.
            fhir.putAll(patients("bulk-late-p", 0, CHANGED, "Late"));
            fhir.putAll(patients("bulk-p", CHANGED, CHANGED, "UpdatedLate"));
            fhir.putAll(observations("bulk-late-o", 0, CHANGED, "final"));
            fhir.putAll(observations("bulk-o", 0, CHANGED, "amended"));

            Awaitility.await(KILL_AFTER + " committed Patient records").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> committed.count(PREFIX + "Patient") >= KILL_AFTER);
            WorkerJvms.Worker victim = workers.byId(workers.awaitTasksOnLiveWorkers(CONNECTOR, 1,
                    Duration.ofMinutes(1)).get(0));
            workers.kill(victim);
            proxy.throttle(0);

            // What the dead worker had committed (the survivor takes over only after the session timeout).
            JsonNode atKill = patientOffset();
            assertThat(atKill).as("a committed bulk offset for Patient").isNotNull();
            String job = atKill.path("bulk.job").asText();
            int file = atKill.path("bulk.file").asInt();
            long line = atKill.path("bulk.line").asLong();
            long fileLines = patientFileLines(job, file);
            assertThat(line).as("killed mid-file: line %d of %d in Patient file %d", line, fileLines, file)
                    .isGreaterThan(0).isLessThan(fileLines);
            long committedAtKill = committed.count(PREFIX + "Patient");

            Map<Integer, String> after = workers.awaitTasksOnLiveWorkers(CONNECTOR, 1, Duration.ofMinutes(2));
            assertThat(after.get(0)).isNotEqualTo(victim.id());

            Set<String> expectedKeys = new LinkedHashSet<>();
            IntStream.range(0, PATIENTS).forEach(i -> expectedKeys.add("Patient/bulk-p" + i));
            IntStream.range(0, OBSERVATIONS).forEach(i -> expectedKeys.add("Observation/bulk-o" + i));
            IntStream.range(0, CHANGED).forEach(i -> {
                expectedKeys.add("Patient/bulk-early-p" + i);
                expectedKeys.add("Patient/bulk-late-p" + i);
                expectedKeys.add("Observation/bulk-late-o" + i);
            });
            List<String> updated = Stream.of(IntStream.range(0, 2 * CHANGED).mapToObj(i -> "Patient/bulk-p" + i),
                    IntStream.range(0, CHANGED).mapToObj(i -> "Observation/bulk-o" + i))
                    .flatMap(s -> s).toList();
            Awaitility.await("every resource, and version 2 of every updated one, in Kafka (worker logs in "
                    + workers.workDir() + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> committed.keys().containsAll(expectedKeys)
                            && updated.stream().allMatch(k -> committed.has(k, "2")));
            awaitLog("the job cleaned up", "Bulk export job ", Duration.ofMinutes(1),
                    l -> l.contains(" done and deleted (HTTP ") || l.contains(" deleting it failed"));

            // One more change after everything: once the poll delivered it, any repeat of the poll is in as well.
            fhir.putAll(patients("bulk-marker-p", 0, 1, "Marker"));
            expectedKeys.add("Patient/bulk-marker-p0");
            Awaitility.await("the marker through the poll").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250)).until(() -> committed.keys().contains("Patient/bulk-marker-p0"));
            assertThat(workers.runningTasks(CONNECTOR, 1)).as("connector and task RUNNING after the cleanup")
                    .isNotNull();

            List<Rec> records = committed.records();
            Map<String, Long> perVersion = records.stream().collect(Collectors.groupingBy(
                    r -> r.key() + "/" + r.version(), Collectors.counting()));
            assertThat(perVersion.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("resource versions in Kafka more than once").isEmpty();
            assertThat(committed.keys()).as("exactly the resources on the server").isEqualTo(expectedKeys);
            // The untouched resources: version 1 from the export, once each.
            Set<String> touched = new java.util.HashSet<>(updated);
            List<Rec> untouched = records.stream().filter(r -> r.key().matches("(Patient/bulk-p|Observation/bulk-o)\\d+")
                    && !touched.contains(r.key())).toList();
            assertThat(untouched).hasSize(PATIENTS + OBSERVATIONS - updated.size())
                    .allSatisfy(r -> {
                        assertThat(r.source()).as("%s", r.key()).isEqualTo("bulk");
                        assertThat(r.version()).as("%s", r.key()).isEqualTo("1");
                    });
            // Changed while the files streamed: version 1 from the file, version 2 from the poll; created then:
            // from the poll only.
            for (int i = CHANGED; i < 2 * CHANGED; i++) {
                assertThat(committed.sources("Patient/bulk-p" + i)).containsExactly("1:bulk", "2:poll");
            }
            for (int i = 0; i < CHANGED; i++) {
                assertThat(committed.sources("Observation/bulk-o" + i)).containsExactly("1:bulk", "2:poll");
                assertThat(committed.sources("Patient/bulk-late-p" + i)).containsExactly("1:poll");
                assertThat(committed.sources("Observation/bulk-late-o" + i)).containsExactly("1:poll");
                // Changed before the files streamed: the file may hold version 1 or 2, the poll brings version 2
                // when the file did not (before transactionTime) or could not (after it); version 2 once either way
                List<String> early = committed.sources("Patient/bulk-p" + i);
                assertThat(early).as("Patient/bulk-p%d", i).filteredOn(v -> v.startsWith("2:")).hasSize(1);
                assertThat(early).as("Patient/bulk-p%d", i).isSubsetOf("1:bulk", "2:bulk", "2:poll");
                assertThat(committed.sources("Patient/bulk-early-p" + i)).hasSize(1);
            }
            long kickOffs = workerLogLines(l -> l.contains("Bulk export started for")).size();
            assertThat(kickOffs).as("one export job, resumed after the kill, not started again").isEqualTo(1);
            System.out.printf("FhirBulkExportIT: first record %d ms after the kick-off; %s killed at Patient file %d "
                    + "line %d of %d (%d Patient records committed); task resumed on %s; %d records in all, %d "
                    + "resources%n", firstRecordMs, victim.name(), file, line, fileLines, committedAtKill,
                    after.get(0), records.size(), committed.keys().size());
        }
    }

    private static List<Resource> patients(String prefix, int from, int n, String family) {
        List<Resource> list = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            Patient p = new Patient();
            p.setId(prefix + i);
            p.addName().setFamily(family + i).addGiven("Bulk");
            p.setGender(i % 2 == 0 ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
            p.addIdentifier().setSystem("urn:mrn").setValue(prefix + "-" + i);
            list.add(p);
        }
        return list;
    }

    private static List<Resource> observations(String prefix, int from, int n, String status) {
        List<Resource> list = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            Observation o = new Observation();
            o.setId(prefix + i);
            o.setStatus(Observation.ObservationStatus.fromCode(status));
            o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4").setDisplay("Heart rate");
            o.setSubject(new Reference("Patient/bulk-p" + (i % PATIENTS)));
            o.getValueQuantity().setValue(60 + i % 40).setUnit("/min");
            list.add(o);
        }
        return list;
    }

    /** The committed Patient offset (GET /connectors/{name}/offsets), or null. */
    private static JsonNode patientOffset() {
        JsonNode offsets = workers.getJson("/connectors/" + CONNECTOR + "/offsets");
        if (offsets == null) {
            return null;
        }
        for (JsonNode entry : offsets.path("offsets")) {
            if ("Patient".equals(entry.path("partition").path("resourceType").asText())) {
                return entry.path("offset");
            }
        }
        return null;
    }

    /** The number of lines of the job's {@code index}-th Patient file, read from HAPI as the connector reads it. */
    private static long patientFileLines(String job, int index) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(job))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).as("manifest of %s: %s", job, status.body()).isEqualTo(200);
        List<String> urls = new ArrayList<>();
        for (JsonNode output : ConnectWorker.JSON.readTree(status.body()).path("output")) {
            if ("Patient".equals(output.path("type").asText())) {
                urls.add(output.path("url").asText());
            }
        }
        HttpResponse<String> file = http.send(HttpRequest.newBuilder(URI.create(urls.get(index)))
                .header("Accept", "application/fhir+ndjson").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(file.statusCode()).isEqualTo(200);
        return file.body().lines().filter(l -> !l.isBlank()).count();
    }

    private static void awaitLog(String what, String text, Duration timeout) {
        awaitLog(what, text, timeout, l -> true);
    }

    private static void awaitLog(String what, String text, Duration timeout, Predicate<String> and) {
        Awaitility.await(what + " (worker logs in " + workers.workDir() + ")").atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !workerLogLines(l -> l.contains(text) && and.test(l)).isEmpty());
    }

    private static List<String> workerLogLines(Predicate<String> match) throws IOException {
        List<String> lines = new ArrayList<>();
        for (WorkerJvms.Worker worker : workers.workers()) {
            if (Files.exists(worker.log())) {
                try (Stream<String> all = Files.lines(worker.log(), StandardCharsets.UTF_8)) {
                    all.filter(match).forEach(lines::add);
                } catch (java.io.UncheckedIOException e) {
                    // a line being written: read again on the next poll
                }
            }
        }
        return lines;
    }

    /** One committed record: key, fhir.version.id, fhir.source. */
    record Rec(String key, String version, String source) {
    }

    /** Reads the topics with isolation.level=read_committed for the whole test. */
    private static final class Committed implements AutoCloseable {
        private final List<Rec> records = new CopyOnWriteArrayList<>();
        private final Map<String, Long> perTopic = new java.util.concurrent.ConcurrentHashMap<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Thread thread;

        Committed(String bootstrap, String... topics) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    // assign, not subscribe: a group rebalance when the second topic appears would reset the
                    // first topic to the earliest offset (no committed offsets) and read its records twice
                    Set<TopicPartition> assigned = new java.util.HashSet<>();
                    long nextCheck = 0;
                    while (!stopped.get()) {
                        if (assigned.size() < topics.length && System.nanoTime() > nextCheck) {
                            nextCheck = System.nanoTime() + 500_000_000L;
                            Set<TopicPartition> now = new java.util.HashSet<>(assigned);
                            Map<String, List<org.apache.kafka.common.PartitionInfo>> existing = consumer.listTopics();
                            for (String topic : topics) {
                                existing.getOrDefault(topic, List.of())
                                        .forEach(p -> now.add(new TopicPartition(p.topic(), p.partition())));
                            }
                            if (!now.equals(assigned)) {
                                Map<TopicPartition, Long> positions = new HashMap<>();
                                assigned.forEach(tp -> positions.put(tp, consumer.position(tp)));
                                consumer.assign(now);
                                for (TopicPartition tp : now) {
                                    if (positions.containsKey(tp)) {
                                        consumer.seek(tp, positions.get(tp));
                                    } else {
                                        consumer.seekToBeginning(List.of(tp));
                                    }
                                }
                                assigned = now;
                            }
                        }
                        if (assigned.isEmpty()) {
                            Thread.sleep(200); // no topic yet: nothing to poll
                            continue;
                        }
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            records.add(new Rec(new String(r.key(), StandardCharsets.UTF_8),
                                    header(r, "fhir.version.id"), header(r, "fhir.source")));
                            perTopic.merge(r.topic(), 1L, Long::sum);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bulk-committed-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        long count(String topic) {
            return perTopic.getOrDefault(topic, 0L);
        }

        List<Rec> records() {
            return List.copyOf(records);
        }

        Set<String> keys() {
            return records.stream().map(Rec::key).collect(Collectors.toCollection(LinkedHashSet::new));
        }

        boolean has(String key, String version) {
            return records.stream().anyMatch(r -> r.key().equals(key) && version.equals(r.version()));
        }

        /** "version:source" of every record of {@code key}, in topic order. */
        List<String> sources(String key) {
            return records.stream().filter(r -> r.key().equals(key)).map(r -> r.version() + ":" + r.source())
                    .toList();
        }

        @Override
        public void close() throws InterruptedException {
            stopped.set(true);
            thread.join(10_000);
        }
    }
}
