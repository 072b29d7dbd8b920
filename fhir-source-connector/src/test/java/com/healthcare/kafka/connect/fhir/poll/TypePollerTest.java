package com.healthcare.kafka.connect.fhir.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.fhirclient.Authenticator;
import com.healthcare.kafka.connect.fhirclient.Backoff;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.HttpSettings;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** One poll cycle against canned server answers: paging, same-instant skipping, and the forms of history deletes. */
class TypePollerTest {

    static final String T1 = "2024-05-01T10:00:00.001+00:00";
    static final String T2 = "2024-05-01T10:00:00.002+00:00";

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private ExecutorService executor;
    private ScheduledExecutorService scheduler;
    private String base;

    static String patient(String id, String version, String lastUpdated) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
                + "\",\"lastUpdated\":\"" + lastUpdated + "\"}}";
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/fhir", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
        executor = Executors.newCachedThreadPool();
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String uri = exchange.getRequestURI().toString();
        requests.add(uri);
        String body;
        if (uri.contains("/_history")) {
            body = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"meta\":{\"lastUpdated\":\"2024-05-01T12:00:00Z\"},"
                    + "\"entry\":["
                    + "{\"fullUrl\":\"" + base + "/Patient/p2\",\"request\":{\"method\":\"DELETE\",\"url\":"
                    + "\"Patient/p2/_history/2\"}},"
                    + "{\"resource\":" + patient("p3", "3", T2) + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p3\"}},"
                    + "{\"fullUrl\":\"" + base + "/Patient/p3\",\"response\":{\"etag\":\"W/\\\"2\\\"\"}},"
                    + "{\"request\":{\"method\":\"DELETE\",\"url\":\"" + base + "/Patient/p9/_history/5\"}}]}";
        } else if (uri.contains("page=2")) {
            body = "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":" + patient("p3", "1", T2)
                    + ",\"search\":{\"mode\":\"match\"}},{\"resource\":{\"resourceType\":\"Organization\",\"id\":\"o\"},"
                    + "\"search\":{\"mode\":\"include\"}}]}";
        } else if (uri.contains("_lastUpdated=ge")) {
            body = "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":" + patient("p2", "1", T2) + "},"
                    + "{\"resource\":" + patient("p3", "1", T2) + "}]}";
        } else {
            body = "{\"resourceType\":\"Bundle\",\"meta\":{\"lastUpdated\":\"2024-05-01T11:00:00Z\"},\"link\":[{\"relation\":"
                    + "\"next\",\"url\":\"/fhir/Patient?page=2\"}],\"entry\":[{\"resource\":" + patient("p1", "1", T1)
                    + "},{\"resource\":" + patient("p2", "1", T2) + "}]}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> offset(SourceRecord r) {
        return (Map<String, Object>) r.sourceOffset();
    }

    @Test
    void aCycleFollowsNextLinksSkipsWhatItEmittedAndTurnsDeletesIntoTombstones() throws Exception {
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), false,
                new Backoff(10, 100), 1, 2, null);
        FhirHttpClient client = new FhirHttpClient(FhirHttpClient.newJdkClient(settings, executor), settings,
                Authenticator.none(), executor);
        RecordQueue queue = new RecordQueue(100);
        TaskMetrics metrics = new TaskMetrics();
        TypeCursor cursor = TypeCursor.restore(null, null);
        Map<String, Object> initialOffset = cursor.toOffset();
        TypeStream stream = new TypeStream("Patient", cursor, new RecordFactory("fhir.", base), queue, metrics);
        TypePoller poller = new TypePoller(stream, client, new PollSettings(base, 2, List.of(), true, 1000, 1000),
                scheduler, executor, new TaskErrors(queue, metrics), metrics);

        poller.cycle();
        List<SourceRecord> records = queue.take(100, 100);
        assertThat(records).extracting(r -> r.key() + (r.value() == null ? " deleted" : ""))
                .containsExactly("Patient/p1", "Patient/p2", "Patient/p3", "Patient/p9 deleted", "Patient/p2 deleted");
        // offsets: only the last record of each page carries the new position
        assertThat(records.get(0).sourceOffset()).isEqualTo(initialOffset);
        assertThat(offset(records.get(1))).containsEntry("wm", T2).containsEntry("ids", "p2/1");
        assertThat(offset(records.get(2))).containsEntry("ids", "p2/1,p3/1");
        assertThat(records.get(3).sourceOffset()).isEqualTo(records.get(2).sourceOffset());
        // the next _history read starts 5 s before this one's server time (a delete still committing shows later)
        assertThat(offset(records.get(4))).containsEntry("dsince", "2024-05-01T11:59:55Z")
                .containsEntry("dseen", "p2/2,p3/2,p9/5");
        assertThat(records.get(3).headers().lastWithName("fhir.version.id").value()).isEqualTo("5");
        assertThat(requests.get(0)).isEqualTo("/fhir/Patient?_sort=_lastUpdated&_count=2");
        assertThat(requests.get(1)).isEqualTo("/fhir/Patient?page=2");
        assertThat(requests.get(2)).isEqualTo("/fhir/Patient/_history?_since=2024-05-01T11:00:00Z&_count=2");

        // the next cycle asks from the watermark, skips the ids at it, and repeats no tombstone
        poller.cycle();
        assertThat(queue.take(100, 100)).isEmpty();
        assertThat(requests.get(3)).isEqualTo("/fhir/Patient?_lastUpdated=ge2024-05-01T10:00:00.002%2B00:00"
                + "&_sort=_lastUpdated&_count=2");
        assertThat(requests.get(4)).isEqualTo("/fhir/Patient/_history?_since=2024-05-01T11:59:55Z&_count=2");
        assertThat(metrics.getDuplicatesSkipped()).isEqualTo(2);
    }

    @Test
    void anErrorWhileFetchingFailsTheTaskInsteadOfStallingTheType() throws Exception {
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), false,
                new Backoff(10, 100), 1, 2, null);
        // a broken authenticator stands for any Error (a linkage error, a stack overflow) in the fetching thread
        Authenticator broken = new Authenticator() {
            @Override
            public String authorization() {
                throw new NoClassDefFoundError("com/example/Missing");
            }

            @Override
            public String describe() {
                return "broken";
            }
        };
        FhirHttpClient client = new FhirHttpClient(FhirHttpClient.newJdkClient(settings, executor), settings, broken,
                executor);
        RecordQueue queue = new RecordQueue(100);
        TaskMetrics metrics = new TaskMetrics();
        TaskErrors errors = new TaskErrors(queue, metrics);
        TypeStream stream = new TypeStream("Patient", TypeCursor.restore(null, null), new RecordFactory("fhir.", base),
                queue, metrics);
        TypePoller poller = new TypePoller(stream, client, new PollSettings(base, 2, List.of(), true, 1000, 1000),
                scheduler, executor, errors, metrics);

        poller.start();
        // before the fix the cycle waited forever on a page future the Error never completed, and nothing failed
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                org.assertj.core.api.Assertions.assertThatThrownBy(errors::rethrow)
                        .hasMessageContaining("Polling Patient failed unexpectedly")
                        .hasMessageContaining("NoClassDefFoundError"));
        poller.stop();
    }

    @Test
    void aDeleteOnALaterHistoryPageWinsOverTheOlderVersionAnEarlierPageShowed() throws Exception {
        // a server whose history pages are not one snapshot: page 1 was read before p5 was deleted and shows its
        // version 1; page 2, read after, shows the delete (version 2) of the same resource
        server.createContext("/shifting", exchange -> {
            String uri = exchange.getRequestURI().toString();
            String body;
            if (uri.contains("/_history") && uri.contains("page=2")) {
                body = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
                        + "{\"fullUrl\":\"Patient/p5\",\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/p5/_history/2\"}},"
                        + "{\"resource\":" + patient("p4", "1", T1) + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";
            } else if (uri.contains("/_history")) {
                body = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"meta\":{\"lastUpdated\":\"2024-05-01T12:00:00Z\"},"
                        + "\"link\":[{\"relation\":\"next\",\"url\":\"/shifting/Patient/_history?page=2\"}],\"entry\":["
                        + "{\"resource\":" + patient("p5", "1", T1) + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";
            } else {
                body = "{\"resourceType\":\"Bundle\",\"entry\":[]}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        String shifting = "http://127.0.0.1:" + server.getAddress().getPort() + "/shifting";
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), false,
                new Backoff(10, 100), 1, 2, null);
        FhirHttpClient client = new FhirHttpClient(FhirHttpClient.newJdkClient(settings, executor), settings,
                Authenticator.none(), executor);
        RecordQueue queue = new RecordQueue(100);
        TaskMetrics metrics = new TaskMetrics();
        TypeStream stream = new TypeStream("Patient", TypeCursor.restore(null, "2024-05-01T00:00:00Z"),
                new RecordFactory("fhir.", shifting), queue, metrics);
        TypePoller poller = new TypePoller(stream, client, new PollSettings(shifting, 2, List.of(), true, 1000, 1000),
                scheduler, executor, new TaskErrors(queue, metrics), metrics);

        poller.cycle();
        // before: p5's version 1 from page 1 was kept, no tombstone, and "p5/2" remembered as seen: lost for good
        assertThat(queue.take(100, 100)).extracting(r -> r.key() + (r.value() == null ? " deleted" : ""))
                .containsExactly("Patient/p5 deleted");
    }
}
