package com.healthcare.kafka.connect.fhir.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.fhir.poll.RecordFactory;
import com.healthcare.kafka.connect.fhir.poll.RecordQueue;
import com.healthcare.kafka.connect.fhirclient.Authenticator;
import com.healthcare.kafka.connect.fhirclient.Backoff;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.HttpSettings;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Bulk Data load against a stub export server that behaves as the Bulk Data IG describes: kick-off answered 202
 * with Content-Location, status answered 202 with Retry-After and X-Progress until the manifest, files that need
 * the access token when requiresAccessToken is true, an error file, and DELETE of the job.
 */
class BulkLoadTest {

    static final String TT = "2026-12-04T10:00:00.000+00:00";
    HttpServer server;
    ExecutorService executor;
    String base;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> fileAuthorizations = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger statusPolls = new AtomicInteger();
    volatile String retryAfter = "0";
    final Map<String, String> files = new LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
        files.put("/files/patient-1.ndjson", ndjson("Patient", 0, 3));
        files.put("/files/patient-2.ndjson", ndjson("Patient", 3, 2));
        files.put("/files/obs-1.ndjson", ndjson("Observation", 0, 4) + "not json\n");
        files.put("/files/errors.ndjson", "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"processing\",\"diagnostics\":\"Encounter could not be exported\"}]}\n");
        server.createContext("/fhir/$export", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " cache-control="
                    + exchange.getRequestHeaders().getFirst("Cache-Control") + " prefer="
                    + exchange.getRequestHeaders().getFirst("Prefer"));
            exchange.getResponseHeaders().add("Content-Location", "http://127.0.0.1:"
                    + server.getAddress().getPort() + "/status/job-1");
            reply(exchange, 202, "");
        });
        server.createContext("/status/job-1", exchange -> {
            requests.add(exchange.getRequestMethod() + " /status/job-1");
            if (exchange.getRequestMethod().equals("DELETE")) {
                reply(exchange, 202, "");
                return;
            }
            if (statusPolls.incrementAndGet() < 3) {
                exchange.getResponseHeaders().add("X-Progress", "exporting " + statusPolls.get() * 40 + "%");
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
                reply(exchange, 202, "");
                return;
            }
            String host = "http://127.0.0.1:" + server.getAddress().getPort();
            reply(exchange, 200, "{\"transactionTime\":\"" + TT + "\",\"request\":\"" + base + "/$export\","
                    + "\"requiresAccessToken\":true,\"output\":["
                    + "{\"type\":\"Patient\",\"url\":\"" + host + "/files/patient-1.ndjson\"},"
                    + "{\"type\":\"Observation\",\"url\":\"" + host + "/files/obs-1.ndjson\"},"
                    + "{\"type\":\"Patient\",\"url\":\"" + host + "/files/patient-2.ndjson\"}],"
                    + "\"error\":[{\"type\":\"OperationOutcome\",\"url\":\"" + host + "/files/errors.ndjson\"}]}");
        });
        server.createContext("/files/", exchange -> {
            fileAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            reply(exchange, 200, files.get(exchange.getRequestURI().getPath()));
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    static String ndjson(String type, int from, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            text.append("{\"resourceType\":\"").append(type).append("\",\"id\":\"").append(type.charAt(0)).append(i)
                    .append("\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-12-01T0").append(i % 10)
                    .append(":00:00.000+00:00\"}}\n");
        }
        return text.toString();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private FhirHttpClient client() {
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), false,
                new Backoff(10, 100), 2, 2, null);
        return new FhirHttpClient(FhirHttpClient.newJdkClient(settings, executor), settings,
                Authenticator.fixed("Bearer t", "test token"), executor);
    }

    private record Run(List<SourceRecord> records, Map<String, String> handovers, BulkLoad load) {
    }

    private Run run(Map<String, BulkProgress> progress) throws Exception {
        return run(progress, new BulkExportSettings("system", null, 100, BulkExportSettings.DEFAULT_RETRY_AFTER_MAX_MS));
    }

    private Run run(Map<String, BulkProgress> progress, BulkExportSettings settings) throws Exception {
        RecordQueue queue = new RecordQueue(1000);
        Map<String, String> handovers = new LinkedHashMap<>();
        BulkLoad load = new BulkLoad(client(), settings, base, progress,
                new RecordFactory("fhir.", base, "fhir.errors", 1_000_000), queue, handovers::put);
        load.load();
        return new Run(queue.take(1000, 100), handovers, load);
    }

    @Test
    void exportsStreamsEveryLineOnceAndHandsOverAtTheTransactionTime() throws Exception {
        Map<String, BulkProgress> progress = new LinkedHashMap<>();
        progress.put("Patient", null);
        progress.put("Observation", null);
        Run run = run(progress);

        assertThat(run.records()).extracting(SourceRecord::key).containsExactly("Patient/P0", "Patient/P1",
                "Patient/P2", "Patient/P3", "Patient/P4", "Observation/O0", "Observation/O1", "Observation/O2",
                "Observation/O3");
        assertThat(run.load().skippedLines()).as("the line that is not JSON").isEqualTo(1);
        assertThat(run.load().serverErrors()).as("OperationOutcomes of the error file").isEqualTo(1);
        assertThat(run.handovers()).containsExactly(Map.entry("Patient", TT), Map.entry("Observation", TT));
        assertThat(requests.get(0)).startsWith("GET /fhir/$export?_outputFormat=application%2Ffhir%2Bndjson"
                + "&_type=Patient,Observation").endsWith("cache-control=no-cache prefer=respond-async");
        assertThat(statusPolls).hasValue(3);
        assertThat(requests).last().isEqualTo("DELETE /status/job-1");
        assertThat(fileAuthorizations).as("requiresAccessToken=true: files get the token").containsOnly("Bearer t");
        // same record shape as polling: value verbatim, headers, offsets with file and line
        SourceRecord third = run.records().get(2);
        assertThat(third.topic()).isEqualTo("fhir.Patient");
        assertThat(third.value()).isEqualTo(ndjson("Patient", 2, 1).trim());
        assertThat(third.headers().lastWithName("fhir.source").value()).isEqualTo("bulk");
        assertThat(BulkProgress.from(castOffset(third))).isEqualTo(new BulkProgress("http://127.0.0.1:"
                + server.getAddress().getPort() + "/status/job-1", TT, 0, 3));
        assertThat(BulkProgress.from(castOffset(run.records().get(3))).file()).isEqualTo(1);
    }

    @Test
    void aRestartResumesAfterTheLastCommittedLineWithoutANewExport() throws Exception {
        String job = "http://127.0.0.1:" + server.getAddress().getPort() + "/status/job-1";
        statusPolls.set(10); // the job completed before the crash
        Map<String, BulkProgress> progress = new LinkedHashMap<>();
        progress.put("Patient", new BulkProgress(job, TT, 1, 1)); // P3 was the last committed line
        progress.put("Observation", null);
        Run run = run(progress);

        assertThat(run.records()).extracting(SourceRecord::key).containsExactly("Patient/P4", "Observation/O0",
                "Observation/O1", "Observation/O2", "Observation/O3");
        assertThat(requests).noneMatch(r -> r.contains("$export")).as("no second kick-off");
        assertThat(run.handovers()).containsOnlyKeys("Patient", "Observation");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castOffset(SourceRecord record) {
        return (Map<String, Object>) record.sourceOffset();
    }

    @Test
    void noAccessTokenOnFilesWhenTheManifestSaysNoneIsRequired() throws Exception {
        server.removeContext("/status/job-1");
        server.createContext("/status/job-1", exchange -> {
            if (exchange.getRequestMethod().equals("DELETE")) {
                reply(exchange, 202, "");
                return;
            }
            String host = "http://127.0.0.1:" + server.getAddress().getPort();
            reply(exchange, 200, "{\"transactionTime\":\"" + TT + "\",\"requiresAccessToken\":false,\"output\":["
                    + "{\"type\":\"Patient\",\"url\":\"" + host + "/files/patient-1.ndjson\"}],\"error\":[]}");
        });
        Map<String, BulkProgress> progress = new LinkedHashMap<>();
        progress.put("Patient", null);
        Run run = run(progress);
        assertThat(run.records()).hasSize(3);
        assertThat(fileAuthorizations).containsOnly("null");
    }

    /**
     * HAPI FHIR JPA's files hold the versions current when they were written, and its transactionTime is the job's
     * start: a line changed at or after the transactionTime is left to the hand-over poll (which starts there with
     * _lastUpdated=ge and reads it anyway), so it is emitted once, not twice.
     */
    @Test
    void linesChangedAtOrAfterTheTransactionTimeAreLeftToTheHandoverPoll() throws Exception {
        files.put("/files/patient-2.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"P3\",\"meta\":{\"versionId\":"
                + "\"2\",\"lastUpdated\":\"" + TT + "\"}}\n"
                + "{\"resourceType\":\"Patient\",\"id\":\"P4\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":"
                + "\"2026-12-04T10:00:00.001Z\"}}\n"
                + "{\"resourceType\":\"Patient\",\"id\":\"P5\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":"
                + "\"2026-12-04T09:59:59.999Z\"}}\n");
        Map<String, BulkProgress> progress = new LinkedHashMap<>();
        progress.put("Patient", null);
        Run run = run(progress);

        assertThat(run.records()).extracting(SourceRecord::key).containsExactly("Patient/P0", "Patient/P1",
                "Patient/P2", "Patient/P5");
        assertThat(run.load().deferred()).isEqualTo(2);
        assertThat(run.load().skippedLines()).isZero();
        assertThat(run.handovers()).containsExactly(Map.entry("Patient", TT));
        // P5 keeps its own line number: a restart after it resumes behind the deferred lines
        assertThat(BulkProgress.from(castOffset(run.records().get(3)))).isEqualTo(new BulkProgress("http://127.0.0.1:"
                + server.getAddress().getPort() + "/status/job-1", TT, 1, 3));
    }

    /** HAPI FHIR JPA answers every status request with Retry-After: 120; the configured cap shortens the wait. */
    @Test
    void aLongRetryAfterIsCutToTheConfiguredCap() throws Exception {
        retryAfter = "120";
        Map<String, BulkProgress> progress = new LinkedHashMap<>();
        progress.put("Patient", null);
        Run run = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> run(progress, new BulkExportSettings("system", null, 100, 200)),
                "two status polls answered Retry-After: 120 must wait the 200 ms cap, not 240 s");

        assertThat(statusPolls).hasValue(3);
        assertThat(run.records()).hasSize(5);
    }
}
