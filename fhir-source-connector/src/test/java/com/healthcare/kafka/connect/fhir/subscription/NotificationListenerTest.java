package com.healthcare.kafka.connect.fhir.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.fhir.poll.RecordFactory;
import com.healthcare.kafka.connect.fhir.poll.RecordQueue;
import com.healthcare.kafka.connect.fhir.poll.TaskMetrics;
import com.healthcare.kafka.connect.fhir.poll.TypeCursor;
import com.healthcare.kafka.connect.fhir.poll.TypeStream;

/** The rest-hook endpoint over real HTTP: secret, acknowledgement only after the record is written, triggers. */
class NotificationListenerTest {

    static final String OBS = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":{\"versionId\":\"1\","
            + "\"lastUpdated\":\"2024-05-01T10:00:00.000Z\"},\"status\":\"final\"}";

    private final RecordQueue queue = new RecordQueue(100);
    private final PendingAcks acks = new PendingAcks();
    private final List<String> triggered = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private NotificationListener listener;
    private String endpoint;

    @BeforeEach
    void start() throws Exception {
        TaskMetrics metrics = new TaskMetrics();
        TypeStream stream = new TypeStream("Observation", TypeCursor.restore(null, null),
                new RecordFactory("fhir.", "http://fhir"), queue, metrics);
        listener = new NotificationListener(new NotificationListener.Settings(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, null, "/hook", "X-Token: s3cret",
                1500, 10_000, 10_000, 64, 16, 1 << 20), Map.of("Observation", stream),
                t -> triggered.add(String.valueOf(t)), acks, metrics, "test");
        listener.start();
        endpoint = "http://127.0.0.1:" + listener.port() + "/hook";
    }

    @AfterEach
    void stop() {
        listener.close();
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("X-Token", token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RecordMetadata metadata() {
        return new RecordMetadata(new TopicPartition("fhir.Observation", 0), 0, 0, 0, 0, 0);
    }

    @Test
    void aResourceIsAcknowledgedOnlyAfterItsRecordIsWritten() throws Exception {
        CompletableFuture<HttpResponse<String>> response = send("PUT", "/Observation/o1", "s3cret", OBS);
        List<SourceRecord> records = queue.take(10, 5000);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("Observation/o1");
            assertThat(r.value()).isEqualTo(OBS);
        });
        Thread.sleep(200);
        assertThat(response).as("no answer before the worker reports the record written").isNotDone();
        acks.committed(records.get(0), metadata());
        assertThat(response.get().statusCode()).isEqualTo(200);
        // the same version again is a duplicate: answered at once, nothing queued
        assertThat(send("PUT", "/Observation/o1", "s3cret", OBS).get().statusCode()).isEqualTo(200);
        assertThat(queue.take(10, 200)).isEmpty();
    }

    @Test
    void aDroppedRecordIsNotAcknowledgedAndASlowOneTimesOut() throws Exception {
        CompletableFuture<HttpResponse<String>> dropped = send("PUT", "/Observation/o1", "s3cret", OBS);
        acks.committed(queue.take(10, 5000).get(0), null);
        assertThat(dropped.get().statusCode()).isEqualTo(500);
        CompletableFuture<HttpResponse<String>> slow = send("PUT", "/Observation/o1", "s3cret",
                OBS.replace("\"versionId\":\"1\"", "\"versionId\":\"2\""));
        assertThat(queue.take(10, 5000)).hasSize(1);
        assertThat(slow.get().statusCode()).isEqualTo(503);
    }

    @Test
    void withoutTheSecretNothingHappens() throws Exception {
        assertThat(send("PUT", "/Observation/o1", null, OBS).get().statusCode()).isEqualTo(401);
        assertThat(send("PUT", "/Observation/o1", "S3CRET", OBS).get().statusCode()).isEqualTo(401);
        assertThat(send("POST", "", "wrong", null).get().statusCode()).isEqualTo(401);
        assertThat(queue.take(10, 200)).isEmpty();
        assertThat(triggered).isEmpty();
    }

    @Test
    void emptyNotificationsAndDeletesTriggerAPoll() throws Exception {
        assertThat(send("POST", "", "s3cret", null).get().statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/Observation/o1", "s3cret", null).get().statusCode()).isEqualTo(200);
        assertThat(triggered).containsExactly("null", "Observation");
        assertThat(send("GET", "", "s3cret", null).get().statusCode()).isEqualTo(405);
        assertThat(send("PUT", "/Patient/p1", "s3cret", "{\"resourceType\":\"Patient\",\"id\":\"p1\"}").get()
                .statusCode()).isEqualTo(422);
        assertThat(send("PUT", "/Observation/o1", "s3cret", "not json").get().statusCode()).isEqualTo(400);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/other"))
                .header("X-Token", "s3cret").GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(404);
    }
}
