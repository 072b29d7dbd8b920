package com.healthcare.kafka.connect.it.fhir;

import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.await;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.exactly;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.header;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.json;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.key;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.pollConfig;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.uniqueVersions;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * Incremental polling through the real worker from the built zip against a real HAPI FHIR RestfulServer: each
 * test writes its own resources after its own {@code fhir.since}, so the tests share one worker and one server.
 */
class FhirPollIT {

    static ConnectWorker worker;
    static FhirTestServer server;
    final List<String> connectors = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = FhirTestServer.start();
        worker = ConnectWorker.start("fhir-poll");
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void cleanUp() {
        connectors.forEach(c -> worker.cluster().deleteConnector(c));
        server.faults().reset();
    }

    private void start(String name, Map<String, String> config, int tasks) {
        connectors.add(name);
        worker.startConnector(name, config, tasks);
    }

    @Test
    void initialLoadArrivesExactlyOnceAcrossTypesAndTasks() {
        Instant since = Instant.now();
        server.store().putAll(FhirItSupport.patients("load", 2000));
        server.store().putAll(FhirItSupport.observations("load", 1000, "final"));
        Map<String, String> config = pollConfig(server, "load.", "Patient,Observation", since);
        config.put("tasks.max", "2");
        start("fhir-load", config, 2);

        List<ConsumerRecord<byte[], byte[]>> records = exactly(worker, 3000, Duration.ofSeconds(120),
                Duration.ofSeconds(4), "load.Patient", "load.Observation");
        assertThat(uniqueVersions(records)).hasSize(3000);
        ConsumerRecord<byte[], byte[]> first = records.stream().filter(r -> r.topic().equals("load.Patient"))
                .findFirst().orElseThrow();
        JsonNode patient = json(first);
        assertThat(key(first)).isEqualTo("Patient/" + patient.get("id").asText());
        assertThat(patient.get("resourceType").asText()).isEqualTo("Patient");
        assertThat(patient.at("/name/0/given/0").asText()).isEqualTo("Zoë");
        assertThat(header(first, "fhir.resource.type")).isEqualTo("Patient");
        assertThat(header(first, "fhir.version.id")).isEqualTo("1");
        assertThat(header(first, "fhir.last.updated")).isEqualTo(patient.at("/meta/lastUpdated").asText());
        assertThat(header(first, "content-type")).isEqualTo("application/fhir+json");
        assertThat(first.timestamp()).isEqualTo(Instant.parse(patient.at("/meta/lastUpdated").asText()
                .replace("+00:00", "Z")).toEpochMilli());
        // the connector searched with the managed parameters and followed the paging links
        assertThat(server.requestLog()).anyMatch(r -> r.startsWith("GET /fhir/Patient?_lastUpdated=ge")
                && r.contains("_sort=_lastUpdated") && r.contains("_count=100"));
        assertThat(server.requestLog()).anyMatch(r -> r.contains("_getpages="));
    }

    @Test
    void updatesAndDeletesArriveAndDeletesAreTombstones() {
        Instant since = Instant.now();
        server.store().putAll(FhirItSupport.observations("upd", 300, "preliminary"));
        start("fhir-upd", pollConfig(server, "upd.", "Observation", since), 1);
        exactly(worker, 300, Duration.ofSeconds(60), Duration.ofSeconds(1), "upd.Observation");

        for (int i = 0; i < 20; i++) {
            server.store().put(FhirItSupport.observation("upd-o" + i, "final"));
        }
        for (int i = 280; i < 290; i++) {
            server.store().delete("Observation", "upd-o" + i);
        }
        List<ConsumerRecord<byte[], byte[]>> records;
        try {
            records = exactly(worker, 330, Duration.ofSeconds(60), Duration.ofSeconds(3), "upd.Observation");
        } catch (AssertionError e) {
            diagnose("fhir-upd");
            // what did reach the topic: key, version, tombstone or not, offset
            worker.consume(400, Duration.ofSeconds(5), "upd.Observation").stream()
                    .filter(r -> r.value() == null || "2".equals(header(r, "fhir.version.id")))
                    .forEach(r -> System.out.println("record " + key(r) + " v" + header(r, "fhir.version.id")
                            + (r.value() == null ? " tombstone" : "") + " " + header(r, "fhir.source") + " p"
                            + r.partition() + "@" + r.offset() + " ts " + r.timestamp()));
            throw e;
        }
        uniqueVersions(records);
        List<ConsumerRecord<byte[], byte[]>> updates = records.stream()
                .filter(r -> "2".equals(header(r, "fhir.version.id")) && r.value() != null).toList();
        assertThat(updates).hasSize(20).allSatisfy(r -> assertThat(json(r).get("status").asText()).isEqualTo("final"));
        List<ConsumerRecord<byte[], byte[]>> tombstones = records.stream().filter(r -> r.value() == null).toList();
        assertThat(tombstones).extracting(FhirItSupport::key).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(280, 290).mapToObj(i -> "Observation/upd-o" + i).toList());
        assertThat(tombstones).allSatisfy(r -> {
            assertThat(header(r, "fhir.version.id")).isEqualTo("2");
            assertThat(header(r, "fhir.source")).isEqualTo("history");
        });
        // each tombstone comes after the resource's record in its partition
        for (ConsumerRecord<byte[], byte[]> t : tombstones) {
            ConsumerRecord<byte[], byte[]> live = records.stream().filter(r -> key(r).equals(key(t))
                    && r.value() != null).findFirst().orElseThrow();
            assertThat(live.partition()).isEqualTo(t.partition());
            assertThat(live.offset()).isLessThan(t.offset());
        }
    }

    /**
     * What a failed wait leaves for the report: the server's last requests (did the task read, and from which
     * _since?), the task's threads (is a poller stuck?), its stored offset and status.
     */
    private void diagnose(String connector) {
        List<String> requests = server.requestLog();
        System.out.println("Diagnosis of " + connector + " at " + Instant.now() + "; the server's last requests:");
        requests.stream().skip(Math.max(0, requests.size() - 200)).forEach(r -> System.out.println("  " + r));
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().contains(connector)) {
                System.out.println("thread " + thread.getName() + " " + thread.getState());
                for (StackTraceElement frame : stack) {
                    System.out.println("    at " + frame);
                }
            }
        });
        System.out.println("offsets " + worker.cluster().connectorOffsets(connector).offsets());
        System.out.println("status " + worker.cluster().connectorStatus(connector));
    }

    @Test
    void aRestartInTheMiddleResumesWithoutGapOrDuplicate() throws Exception {
        Instant since = Instant.now();
        server.store().putAll(FhirItSupport.encounters("rs", 3000));
        // slow pages (30 pages of 100: at least 4.5 s) so that the restart surely lands in the middle of the load
        server.faults().pageDelayMs = 150;
        start("fhir-restart", pollConfig(server, "rs.", "Encounter", since), 1);
        await("some records before the restart", Duration.ofSeconds(60),
                () -> worker.consume(600, Duration.ofMillis(500), "rs.Encounter").size() >= 600);
        assertThat(worker.consume(3000, Duration.ofMillis(200), "rs.Encounter")).as("still loading").hasSizeLessThan(3000);
        worker.cluster().restartConnectorAndTasks("fhir-restart", false, true, false);
        server.faults().pageDelayMs = 0;
        List<ConsumerRecord<byte[], byte[]>> records = exactly(worker, 3000, Duration.ofSeconds(120),
                Duration.ofSeconds(4), "rs.Encounter");
        assertThat(uniqueVersions(records)).hasSize(3000);
    }

    @Test
    void manyResourcesSharingOneLastUpdatedAcrossPageBoundaries() {
        Instant since = Instant.now();
        Instant shared = Instant.now().plusMillis(5);
        server.store().putAll(FhirItSupport.conditions("tie", 450), shared);
        server.faults().pageDelayMs = 250;
        start("fhir-tie", pollConfig(server, "tie.", "Condition", since), 1);
        // restart while the task is inside the instant: the offset carries the ids emitted at it
        await("first page inside the instant", Duration.ofSeconds(60),
                () -> worker.consume(100, Duration.ofMillis(300), "tie.Condition").size() >= 100);
        worker.cluster().restartConnectorAndTasks("fhir-tie", false, true, false);
        server.faults().pageDelayMs = 0;
        // two more resources at the same instant, written later (a late commit)
        server.store().putAll(FhirItSupport.conditions("tie-late", 2), shared);
        List<ConsumerRecord<byte[], byte[]>> records = exactly(worker, 452, Duration.ofSeconds(60),
                Duration.ofSeconds(4), "tie.Condition");
        assertThat(uniqueVersions(records)).hasSize(452);
        assertThat(records).allSatisfy(r -> assertThat(json(r).at("/meta/lastUpdated").asText())
                .isEqualTo(json(records.get(0)).at("/meta/lastUpdated").asText()));
        Map<String, ?> offset = worker.cluster().connectorOffsets("fhir-tie").offsets().get(0).offset();
        assertThat(offset.get("wm")).isEqualTo(json(records.get(0)).at("/meta/lastUpdated").asText());
        assertThat(offset.get("ids").toString().split(",")).hasSize(452);
    }

    @Test
    void throttlingAndServerErrorsLoseAndRepeatNothing() {
        Instant since = Instant.now();
        server.store().putAll(FhirItSupport.medicationRequests("storm", 1500));
        server.faults().throttleEvery = 3;
        server.faults().retryAfterSeconds = 1;
        server.faults().failEvery = 5;
        server.faults().failStatus = 503;
        Map<String, String> config = pollConfig(server, "storm.", "MedicationRequest", since);
        config.put("fhir.retry.max.attempts", "20");
        start("fhir-storm", config, 1);
        await("503 then 500", Duration.ofSeconds(60), () -> server.faults().failed.get() >= 2);
        server.faults().failStatus = 500;
        List<ConsumerRecord<byte[], byte[]>> records = exactly(worker, 1500, Duration.ofSeconds(120),
                Duration.ofSeconds(4), "storm.MedicationRequest");
        assertThat(uniqueVersions(records)).hasSize(1500);
        assertThat(server.faults().throttled.get()).isGreaterThanOrEqualTo(3);
        assertThat(server.faults().failed.get()).isGreaterThanOrEqualTo(3);
        assertThat(worker.cluster().connectorStatus("fhir-storm").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void oauthTokenExpiringInTheMiddleOfPagingIsRefreshed() {
        Instant since = Instant.now();
        List<Resource> patients = FhirItSupport.patients("tok", 1500);
        server.store().putAll(patients);
        server.oauth().lifetimeSeconds = 1;      // the server forgets tokens after a second...
        server.oauth().advertisedSeconds = 3600;  // ...but promises an hour, so only a 401 reveals it
        server.faults().requireAuth = true;
        server.faults().pageDelayMs = 150;
        int issuedBefore = server.oauth().issued.get();
        Map<String, String> config = pollConfig(server, "tok.", "Patient", since);
        config.put("fhir.auth.type", "oauth2");
        config.put("fhir.auth.oauth.token.endpoint", server.tokenUrl());
        config.put("fhir.auth.oauth.client.id", server.oauth().clientId);
        config.put("fhir.auth.oauth.client.secret", server.oauth().clientSecret);
        config.put("fhir.auth.oauth.scope", "system/*.read");
        try {
            start("fhir-token", config, 1);
            List<ConsumerRecord<byte[], byte[]>> records = exactly(worker, 1500, Duration.ofSeconds(120),
                    Duration.ofSeconds(3), "tok.Patient");
            assertThat(uniqueVersions(records)).hasSize(1500);
            assertThat(server.faults().unauthorized.get()).as("401s seen").isGreaterThanOrEqualTo(2);
            assertThat(server.oauth().issued.get() - issuedBefore).as("tokens fetched").isGreaterThanOrEqualTo(3);
            assertThat(worker.cluster().connectorStatus("fhir-token").tasks().get(0).state()).isEqualTo("RUNNING");
        } finally {
            server.oauth().lifetimeSeconds = 3600;
            server.oauth().advertisedSeconds = 0;
        }
    }

    @Test
    void refusedCredentialsFailTheTaskWithAReadableMessage() {
        Map<String, String> wrongAuth = pollConfig(server, "bad.", "Patient", Instant.now());
        wrongAuth.put("fhir.auth.type", "bearer");
        wrongAuth.put("fhir.auth.bearer.token", "not-a-valid-token");
        server.faults().requireAuth = true;
        connectors.add("fhir-badauth");
        worker.cluster().configureConnector("fhir-badauth", wrongAuth);
        await("task fails with a readable 401", Duration.ofSeconds(60), () -> {
            var status = worker.cluster().connectorStatus("fhir-badauth");
            return !status.tasks().isEmpty() && "FAILED".equals(status.tasks().get(0).state())
                    && status.tasks().get(0).trace().contains("HTTP 401 OperationOutcome: error login: Token "
                    + "missing or expired") && status.tasks().get(0).trace().contains("fhir.auth.bearer.token")
                    && !status.tasks().get(0).trace().contains("not-a-valid-token");
        });
    }
}
