package com.healthcare.kafka.connect.fhir.sink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.fhir.sink.StubFhirServer;
import com.healthcare.kafka.connect.fhir.sink.StubFhirServer.Reply;
import com.healthcare.kafka.connect.fhir.sink.StubFhirServer.Request;
import com.healthcare.kafka.connect.fhirclient.Authenticator;
import com.healthcare.kafka.connect.fhirclient.Backoff;
import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.HttpSettings;

/** The writer against a real HTTP server on loopback: order, concurrency, grouping, response mapping, errors. */
class RecordWriterTest {

    private final ExecutorService http = Executors.newCachedThreadPool();
    private final ExecutorService units = Executors.newFixedThreadPool(4);
    private StubFhirServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.shutdownNow();
        units.shutdownNow();
    }

    private RecordWriter writer(Function<Request, Reply> handler, String mode, int batchSize, int retries)
            throws Exception {
        server = new StubFhirServer(handler);
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), false,
                new Backoff(10, 50), retries, 4, null);
        FhirHttpClient client = new FhirHttpClient(FhirHttpClient.newJdkClient(settings, http), settings,
                Authenticator.none(), http);
        return new RecordWriter(client, server.baseUrl(), mode, batchSize, units, WriteListener.NONE);
    }

    private static List<Write> plan(String... keyAndJson) {
        WritePlanner planner = new WritePlanner("none", null, true);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < keyAndJson.length; i += 2) {
            writes.add(planner.plan(new SinkRecord("t", 0, null, keyAndJson[i], null, keyAndJson[i + 1], i)));
        }
        return writes;
    }

    private static String patient(String id) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}";
    }

    @Test
    void oneKeysRecordsAreNeverInFlightTogetherWhileOtherKeysRunInParallel() throws Exception {
        RecordWriter writer = writer(r -> new Reply(200, "{}", Map.of(), 60), "none", 1, 0);
        List<String> input = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (String key : List.of("a", "b", "c", "d")) {
                input.add(key);
                input.add(patient(key + i));
            }
        }
        Outcome[] outcomes = writer.write(plan(input.toArray(String[]::new)), true);
        assertThat(outcomes).allMatch(o -> o.status() == Outcome.Status.CONFIRMED);
        for (String key : List.of("a", "b", "c", "d")) {
            List<Request> own = server.requests.stream().filter(r -> r.path().contains("/Patient/" + key)).toList();
            assertThat(own).extracting(Request::path).containsExactly("/fhir/Patient/" + key + "0",
                    "/fhir/Patient/" + key + "1", "/fhir/Patient/" + key + "2", "/fhir/Patient/" + key + "3");
            for (int i = 1; i < own.size(); i++) {
                assertThat(own.get(i).startNanos()).as("%s started after its predecessor ended", own.get(i).path())
                        .isGreaterThanOrEqualTo(own.get(i - 1).endNanos());
            }
        }
        assertThat(server.maxConcurrent.get()).isBetween(2, 4);
        assertThat(server.requests).allMatch(r -> r.method().equals("PUT")
                && "return=minimal".equals(r.header("Prefer")));
    }

    @Test
    void transactionModeGroupsSingleResourcesAndSplitsRepeatedKeys() throws Exception {
        RecordWriter writer = writer(r -> Reply.of(200, "{\"resourceType\":\"Bundle\",\"type\":"
                + "\"transaction-response\",\"entry\":[]}"), "transaction", 3, 0);
        Outcome[] outcomes = writer.write(plan("a", patient("1"), "b", patient("2"), "a", patient("3"),
                "c", patient("4"), "d", patient("5"), "Patient/9", null), true);
        assertThat(outcomes).allMatch(o -> o.status() == Outcome.Status.CONFIRMED);
        // [1,2] closes at the repeated key a; [3,4,5] is full; the delete is alone, so a plain DELETE
        assertThat(server.requests).extracting(Request::target).containsExactlyInAnyOrder("POST /fhir", "POST /fhir",
                "DELETE /fhir/Patient/9");
        List<String> bodies = server.requests.stream().filter(r -> r.method().equals("POST")).map(Request::body)
                .sorted().toList();
        assertThat(String.join("\n", bodies)).contains("\"type\":\"transaction\"")
                .contains("{\"resource\":" + patient("1") + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/1\"}}")
                .contains("{\"resource\":" + patient("2") + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/2\"}}");
        assertThat(bodies).anyMatch(b -> b.contains("Patient/3") && b.contains("Patient/4")
                && b.contains("Patient/5"));
    }

    @Test
    void aRejectedTransactionIsRetriedRecordByRecordSoOnlyTheBadOneFails() throws Exception {
        RecordWriter writer = writer(r -> {
            boolean bad = r.body().contains("\"id\":\"bad\"");
            if (bad) {
                return Reply.of(422, StubFhirServer.outcome("processing", "Patient.birthDate: invalid date"));
            }
            return Reply.of(200, "{}");
        }, "transaction", 10, 0);
        Outcome[] outcomes = writer.write(plan("a", patient("1"), "b", patient("bad"), "c", patient("3")), false);
        assertThat(outcomes[0].status()).isEqualTo(Outcome.Status.CONFIRMED);
        assertThat(outcomes[2].status()).isEqualTo(Outcome.Status.CONFIRMED);
        assertThat(outcomes[1].status()).isEqualTo(Outcome.Status.REJECTED);
        assertThat(outcomes[1].error()).isInstanceOf(RejectedRecordException.class)
                .hasMessageContaining("HTTP 422").hasMessageContaining("Patient.birthDate: invalid date");
        assertThat(server.requests).extracting(Request::target).contains("POST /fhir", "PUT /fhir/Patient/1",
                "PUT /fhir/Patient/bad", "PUT /fhir/Patient/3");
    }

    @Test
    void batchModeMapsEachEntrysResponseToItsRecord() throws Exception {
        RecordWriter writer = writer(r -> {
            if (r.path().equals("/fhir")) {
                return Reply.of(200, "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":["
                        + "{\"response\":{\"status\":\"201 Created\"}},"
                        + "{\"response\":{\"status\":\"409 Conflict\",\"outcome\":"
                        + StubFhirServer.outcome("conflict", "version conflict") + "}},"
                        + "{\"response\":{\"status\":\"503 Service Unavailable\"}}]}");
            }
            return Reply.of(200, "{}"); // the 503 entry, retried on its own
        }, "batch", 10, 0);
        Outcome[] outcomes = writer.write(plan("a", patient("1"), "b", patient("2"), "c", patient("3")), false);
        assertThat(outcomes).extracting(Outcome::status).containsExactly(Outcome.Status.CONFIRMED,
                Outcome.Status.REJECTED, Outcome.Status.CONFIRMED);
        assertThat(outcomes[1].error()).hasMessageContaining("PUT Patient/2 (entry 2 of a batch) -> HTTP 409")
                .hasMessageContaining("version conflict");
        assertThat(server.requests).extracting(Request::target).containsExactly("POST /fhir", "PUT /fhir/Patient/3");
    }

    @Test
    void retriesRunOutIntoTransientAndTheKeysLaterRecordsAreHeldBack() throws Exception {
        RecordWriter writer = writer(r -> r.path().endsWith("/a1")
                ? new Reply(503, "", Map.of("Retry-After", "0"), 0) : Reply.of(200, "{}"), "none", 1, 2);
        Outcome[] outcomes = writer.write(plan("a", patient("a1"), "a", patient("a2"), "b", patient("b1")), true);
        assertThat(outcomes).extracting(Outcome::status).containsExactly(Outcome.Status.TRANSIENT,
                Outcome.Status.NOT_ATTEMPTED, Outcome.Status.CONFIRMED);
        assertThat(outcomes[0].error()).isInstanceOf(FhirException.class).hasMessageContaining("failed 3 time(s)");
        assertThat(server.requests).extracting(Request::path).doesNotContain("/fhir/Patient/a2");
        assertThat(server.requests.stream().filter(r -> r.path().endsWith("/a1")).count()).isEqualTo(3);
    }

    @Test
    void deletesOfMissingResourcesCountAsDoneAndConditionalCreatesSendIfNoneExist() throws Exception {
        RecordWriter writer = writer(r -> r.method().equals("DELETE") ? Reply.of(404, StubFhirServer.outcome(
                "not-found", "gone")) : Reply.of(201, ""), "none", 1, 0);
        WritePlanner conditional = new WritePlanner("create", null, true);
        List<Write> writes = new ArrayList<>(plan("Patient/x", null));
        writes.add(conditional.plan(new SinkRecord("t", 0, null, "k", null, "{\"resourceType\":\"Patient\","
                + "\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"1\"}]}", 9)));
        Outcome[] outcomes = writer.write(writes, true);
        assertThat(outcomes).allMatch(o -> o.status() == Outcome.Status.CONFIRMED);
        Request create = server.requests.stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
        assertThat(create.path()).isEqualTo("/fhir/Patient");
        assertThat(create.header("If-None-exist")).isEqualTo("identifier=urn%3Amrn%7C1");
    }

    @Test
    void aRejectedTransactionBundleRecordNamesTheFailedEntry() throws Exception {
        RecordWriter writer = writer(r -> Reply.of(400, StubFhirServer.outcome("processing",
                "Invalid match URL Encounter?identifier=urn:v|E1 - multiple matches")), "none", 1, 0);
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":"
                + "\"PUT\",\"url\":\"Patient?identifier=urn:mrn|1\"}},"
                + "{\"fullUrl\":\"urn:uuid:2\",\"resource\":{\"resourceType\":\"Encounter\"},\"request\":{\"method\":"
                + "\"PUT\",\"url\":\"Encounter?identifier=urn:v|E1\"}}]}";
        Outcome[] outcomes = writer.write(plan("k", bundle), true);
        assertThat(outcomes[0].status()).isEqualTo(Outcome.Status.REJECTED);
        assertThat(outcomes[0].error()).hasMessageContaining("failed entry 2: PUT Encounter?identifier=urn:v|E1");
    }

    @Test
    void aRejectedConditionalCreateIsNamedByItsIfNoneExist() throws Exception {
        // HAPI FHIR JPA's answer to a conditional create whose resource does not match its own search (HAPI-0539)
        RecordWriter writer = writer(r -> Reply.of(412, StubFhirServer.outcome("processing",
                "HAPI-0539: Invalid conditional URL \\\"_source=urn:id:EPIC%23M1\\\". The given resource is not "
                        + "matched by this URL.")), "none", 1, 0);
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":"
                + "\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=urn:mrn|1\"}},"
                + "{\"fullUrl\":\"urn:uuid:2\",\"resource\":{\"resourceType\":\"Provenance\"},\"request\":{\"method\":"
                + "\"POST\",\"url\":\"Provenance\",\"ifNoneExist\":\"_source=urn:id:EPIC%23M1\"}}]}";
        Outcome[] outcomes = writer.write(plan("k", bundle), true);
        assertThat(outcomes[0].error()).isInstanceOf(RejectedRecordException.class)
                .hasMessageContaining("HTTP 412")
                .hasMessageContaining("failed entry 2: POST Provenance ifNoneExist _source=urn:id:EPIC%23M1");
    }

    @Test
    void refusedCredentialsFailTheTaskNotTheRecord() throws Exception {
        RecordWriter writer = writer(r -> Reply.of(401, ""), "none", 1, 0);
        assertThatThrownBy(() -> writer.write(plan("a", patient("1")), true)).isInstanceOf(FhirException.class)
                .hasMessageContaining("401");
    }
}
