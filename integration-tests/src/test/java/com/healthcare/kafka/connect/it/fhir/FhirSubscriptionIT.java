package com.healthcare.kafka.connect.it.fhir;

import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.await;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.header;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.key;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.uniqueVersions;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;
import com.healthcare.kafka.connect.it.fhir.server.ResourceStore;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * Rest-hook subscriptions end to end: the connector registers its Subscription on the HAPI server, the server
 * delivers notifications to task 0's listener the way HAPI JPA does, and each is answered 200 only once its record
 * is in Kafka. Polling runs only at start (10-minute interval), so anything that arrives quickly came through
 * the subscription or the immediate poll an empty notification triggers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirSubscriptionIT {

    static final String NAME = "fhir-sub";
    static final String SECRET = "w3bh00k-" + Instant.now().toEpochMilli();
    static ConnectWorker worker;
    static FhirTestServer server;
    static int port;
    static String endpoint;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        server = FhirTestServer.start();
        worker = ConnectWorker.start("fhir-sub");
        Path secrets = Files.createTempDirectory("fhir-sub-secrets").resolve("fhir-credentials");
        Files.writeString(secrets, "webhook_token=" + SECRET + "\n");
        port = ConnectWorker.freePort();
        endpoint = "http://127.0.0.1:" + port + "/fhir-webhook";
        Map<String, String> config = FhirItSupport.pollConfig(server, "sub.", "Patient,Observation",
                Instant.now().minusSeconds(1));
        config.put("tasks.max", "2");
        config.put("fhir.poll.interval.ms", "600000");
        FhirItSupport.subscribe(config, "Observation?status=final", port,
                "X-Webhook-Token: ${file:" + secrets + ":webhook_token}");
        worker.startConnector(NAME, config, 2);
        await("Subscription registered", Duration.ofSeconds(60),
                () -> !server.store().search("Subscription", null, r -> true).isEmpty());
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

    static List<ConsumerRecord<byte[], byte[]>> records(int atLeast, Duration timeout) {
        return worker.consume(atLeast, timeout, "sub.Observation", "sub.Patient");
    }

    static HttpResponse<String> notify(String method, String path, String headerValue, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/fhir+json");
        if (headerValue != null) {
            request.header("X-Webhook-Token", headerValue);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void theSubscriptionResourceDescribesTheEndpoint() {
        List<ResourceStore.Version> subs = server.store().search("Subscription", null, r -> true);
        assertThat(subs).hasSize(1);
        Subscription s = (Subscription) subs.get(0).resource();
        assertThat(s.getCriteria()).isEqualTo("Observation?status=final");
        assertThat(s.getChannel().getType()).isEqualTo(Subscription.SubscriptionChannelType.RESTHOOK);
        assertThat(s.getChannel().getEndpoint()).isEqualTo(endpoint);
        assertThat(s.getChannel().getPayload()).isEqualTo("application/fhir+json");
        assertThat(s.getChannel().getHeader()).extracting(h -> h.getValue())
                .containsExactly("X-Webhook-Token: " + SECRET);
        assertThat(s.getEnd().toInstant()).isAfter(Instant.now().plusSeconds(600));
        assertThat(s.getMeta().getTag()).extracting(Coding::getCode).containsExactly(NAME);
    }

    @Test
    @Order(2)
    void aMatchingChangeIsDeliveredAndAcknowledgedOnlyOnceItIsInKafka() throws Exception {
        server.store().put(FhirItSupport.observation("n1", "final"));
        await("delivery answered", Duration.ofSeconds(60), () -> server.deliveries().stream()
                .anyMatch(d -> d.resourceKey().equals("Observation/n1")));
        FhirTestServer.Delivery delivery = server.deliveries().stream()
                .filter(d -> d.resourceKey().equals("Observation/n1")).findFirst().orElseThrow();
        assertThat(delivery.method()).isEqualTo("PUT");
        assertThat(delivery.url()).isEqualTo(endpoint + "/Observation/n1");
        assertThat(delivery.status()).isEqualTo(200);
        // the 200 was sent after commitRecord, so the record is readable (read_committed) right now
        List<ConsumerRecord<byte[], byte[]>> now = worker.consume(1, Duration.ofSeconds(5), "sub.Observation");
        assertThat(now).extracting(FhirItSupport::key).contains("Observation/n1");
        assertThat(now.stream().filter(r -> key(r).equals("Observation/n1")).findFirst().orElseThrow())
                .satisfies(r -> assertThat(header(r, "fhir.source")).isEqualTo("subscription"));

        // a change outside the criteria is not delivered, and the 10-minute poll does not run meanwhile
        server.store().put(FhirItSupport.observation("n2", "preliminary"));
        assertThat(records(2, Duration.ofSeconds(3))).extracting(FhirItSupport::key)
                .doesNotContain("Observation/n2");
    }

    @Test
    @Order(3)
    void anEmptyNotificationTriggersAnImmediatePoll() throws Exception {
        server.store().put(FhirItSupport.observation("n2", "amended"));
        HttpResponse<String> response = notify("POST", "", SECRET, null);
        assertThat(response.statusCode()).isEqualTo(200);
        await("n2 polled", Duration.ofSeconds(30), () -> records(3, Duration.ofSeconds(1)).stream()
                .anyMatch(r -> key(r).equals("Observation/n2")));
        // n1 came by notification and the poll skipped it; n2 only in its latest version
        List<ConsumerRecord<byte[], byte[]>> all = records(3, Duration.ofSeconds(3));
        assertThat(all).hasSize(2);
        uniqueVersions(all);
        assertThat(all.stream().filter(r -> key(r).equals("Observation/n2")).findFirst().orElseThrow())
                .satisfies(r -> {
                    assertThat(header(r, "fhir.version.id")).isEqualTo("2");
                    assertThat(header(r, "fhir.source")).isEqualTo("poll");
                });
    }

    @Test
    @Order(4)
    void aNotificationWithoutTheSecretIsRefused() throws Exception {
        String forged = "{\"resourceType\":\"Observation\",\"id\":\"forged\",\"meta\":{\"versionId\":\"1\","
                + "\"lastUpdated\":\"" + Instant.now() + "\"},\"status\":\"final\",\"code\":{\"text\":\"x\"}}";
        assertThat(notify("PUT", "/Observation/forged", "wrong", forged).statusCode()).isEqualTo(401);
        assertThat(notify("PUT", "/Observation/forged", null, forged).statusCode()).isEqualTo(401);
        assertThat(notify("POST", "", "wrong", null).statusCode()).isEqualTo(401);
        assertThat(notify("PUT", "/Observation/forged", SECRET.toUpperCase(), forged).statusCode()).isEqualTo(401);
        assertThat(records(3, Duration.ofSeconds(3))).extracting(FhirItSupport::key)
                .doesNotContain("Observation/forged");
    }

    @Test
    @Order(5)
    void changesMadeWhileTheConnectorWasStoppedAreCaughtUp() throws Exception {
        // stop, not pause: a paused task keeps running (and listening), it only stops being polled
        worker.cluster().stopConnector(NAME);
        worker.cluster().assertions().assertConnectorIsStopped(NAME, "stopped");
        await("listener closed", Duration.ofSeconds(30), () -> {
            try {
                notify("POST", "", SECRET, null);
                return false;
            } catch (java.io.IOException e) {
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        for (int i = 0; i < 3; i++) {
            server.store().put(FhirItSupport.observation("down" + i, "final"));
        }
        server.store().putAll(FhirItSupport.patients("down", 2));
        await("deliveries failed while down", Duration.ofSeconds(60), () -> server.deliveries().stream()
                .filter(d -> d.resourceKey().startsWith("Observation/down")).count() == 3);
        assertThat(server.deliveries().stream().filter(d -> d.resourceKey().startsWith("Observation/down")))
                .allSatisfy(d -> assertThat(d.status()).isZero());

        worker.cluster().resumeConnector(NAME);
        worker.cluster().assertions().assertConnectorAndExactlyNumTasksAreRunning(NAME, 2, "resumed");
        await("caught up", Duration.ofSeconds(60), () -> records(7, Duration.ofSeconds(1)).size() >= 7);
        List<ConsumerRecord<byte[], byte[]>> all = records(8, Duration.ofSeconds(3));
        assertThat(all).hasSize(7);
        uniqueVersions(all);
        assertThat(all).extracting(FhirItSupport::key).contains("Observation/down0", "Observation/down1",
                "Observation/down2", "Patient/down-p0", "Patient/down-p1");
        // the restarted task updated its Subscription instead of adding one
        assertThat(server.store().search("Subscription", null, r -> true)).hasSize(1);
    }
}
