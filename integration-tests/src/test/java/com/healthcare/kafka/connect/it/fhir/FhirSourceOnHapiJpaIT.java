package com.healthcare.kafka.connect.it.fhir;

import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.await;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.exactly;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.header;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.json;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.fhirserver.DeliveryLog;
import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The FHIR source, from its built zip in a real worker, against a real HAPI FHIR JPA server (H2) instead of our
 * own test server: HAPI's database-backed search paging, its {@code _history} for deletes, and its own
 * subscription matcher and rest-hook delivery (with retries) calling the connector's listener.
 */
class FhirSourceOnHapiJpaIT {

    static JpaFhirServer server;
    static ConnectWorker worker;
    static HapiJpa hapi;
    final List<String> connectors = new ArrayList<>();
    final List<Consumer<DeliveryLog.Delivery>> deliveryListeners = new ArrayList<>();

    @BeforeAll
    static void start() {
        // the two slowest starts of the suite, side by side
        CompletableFuture<JpaFhirServer> jpa = CompletableFuture.supplyAsync(JpaFhirServer::start);
        worker = ConnectWorker.start("fhir-jpa");
        server = jpa.join();
        hapi = new HapiJpa(server.baseUrl());
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
        deliveryListeners.forEach(l -> server.deliveries().removeListener(l));
    }

    private void startConnector(String name, Map<String, String> config) {
        connectors.add(name);
        worker.startConnector(name, config, 1);
    }

    @Test
    void pollingFollowsHapiPagingAndHistoryDeletesBecomeTombstones() {
        Instant since = Instant.now().minusMillis(1);
        int n = 230;
        hapi.putAll(FhirItSupport.patients("jpa", n));
        Map<String, String> config = FhirItSupport.pollConfig(server.baseUrl(), "jpa.", "Patient", since);
        config.put("fhir.page.size", "50"); // five pages of HAPI's _getpages paging
        startConnector("fhir-jpa-poll", config);

        List<ConsumerRecord<byte[], byte[]>> first = exactly(worker, n, Duration.ofSeconds(120),
                Duration.ofSeconds(3), "jpa.Patient");
        assertThat(uniqueVersions(first)).hasSize(n);
        assertThat(first).extracting(FhirItSupport::key).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, n).mapToObj(i -> "Patient/jpa-p" + i).toList());
        JsonNode patient = json(first.get(0));
        assertThat(patient.path("resourceType").asText()).isEqualTo("Patient");
        assertThat(patient.path("meta").path("versionId").asText()).isEqualTo("1");

        // updates come back as version 2 through _lastUpdated; deletes only through _history, as tombstones
        for (int i = 0; i < 20; i++) {
            org.hl7.fhir.r4.model.Patient p = (org.hl7.fhir.r4.model.Patient) FhirItSupport.patients("jpa", n).get(i);
            p.setActive(false);
            hapi.put(p);
        }
        for (int i = 220; i < 230; i++) {
            hapi.delete("Patient", "jpa-p" + i);
        }
        List<ConsumerRecord<byte[], byte[]>> all = exactly(worker, n + 30, Duration.ofSeconds(120),
                Duration.ofSeconds(3), "jpa.Patient");
        uniqueVersions(all);
        List<ConsumerRecord<byte[], byte[]>> updates = all.stream()
                .filter(r -> "2".equals(header(r, "fhir.version.id")) && r.value() != null).toList();
        assertThat(updates).hasSize(20).allSatisfy(r -> assertThat(json(r).path("active").asBoolean(true)).isFalse());
        List<ConsumerRecord<byte[], byte[]>> tombstones = all.stream().filter(r -> r.value() == null).toList();
        assertThat(tombstones).extracting(FhirItSupport::key).containsExactlyInAnyOrderElementsOf(
                IntStream.range(220, 230).mapToObj(i -> "Patient/jpa-p" + i).toList());
        assertThat(tombstones).allSatisfy(r -> {
            assertThat(header(r, "fhir.version.id")).isEqualTo("2");
            assertThat(header(r, "fhir.source")).isEqualTo("history");
        });
        for (ConsumerRecord<byte[], byte[]> t : tombstones) {
            ConsumerRecord<byte[], byte[]> live = all.stream()
                    .filter(r -> key(r).equals(key(t)) && r.value() != null).findFirst().orElseThrow();
            assertThat(live.partition()).isEqualTo(t.partition());
            assertThat(live.offset()).isLessThan(t.offset());
        }
    }

    @Test
    void hapiRestHookDeliveriesReachTheListenerAndHapiRetriesWhileItIsDown() throws Exception {
        String name = "fhir-jpa-sub";
        String secret = "jpa-h00k-" + Instant.now().toEpochMilli();
        Path secrets = Files.createTempDirectory("fhir-jpa-secrets").resolve("fhir-credentials");
        Files.writeString(secrets, "webhook_token=" + secret + "\n");
        int port = ConnectWorker.freePort();
        String endpoint = "http://127.0.0.1:" + port + "/fhir-webhook";
        Map<String, String> config = FhirItSupport.pollConfig(server.baseUrl(), "jsub.", "Observation",
                Instant.now().minusSeconds(1));
        config.put("fhir.poll.interval.ms", "600000"); // only the start-up catch-up polls
        config.put("fhir.subscription.enabled", "true");
        config.put("fhir.subscription.type", "rest-hook");
        config.put("fhir.subscription.criteria", "Observation?status=final");
        config.put("fhir.subscription.channel.endpoint", endpoint);
        config.put("fhir.subscription.listener.port", String.valueOf(port));
        config.put("fhir.subscription.listener.bind.address", "127.0.0.1");
        config.put("fhir.subscription.channel.header", "X-Webhook-Token: ${file:" + secrets + ":webhook_token}");

        // at the moment HAPI has the listener's 200, the record must already be readable in Kafka
        Map<String, Boolean> inKafkaAt200 = new ConcurrentHashMap<>();
        Consumer<DeliveryLog.Delivery> atDelivery = d -> {
            if (d.delivered() && d.resourceKey().startsWith("Observation/")) {
                boolean present = worker.consume(Integer.MAX_VALUE, Duration.ofSeconds(2), "jsub.Observation")
                        .stream().anyMatch(r -> key(r).equals(d.resourceKey()));
                inKafkaAt200.merge(d.resourceKey(), present, Boolean::logicalAnd);
            }
        };
        deliveryListeners.add(atDelivery);
        server.deliveries().addListener(atDelivery);
        startConnector(name, config);
        await("HAPI activated the connector's Subscription", Duration.ofSeconds(120), () -> {
            JsonNode bundle = subscriptions(name);
            return bundle.path("entry").size() == 1
                    && "active".equals(bundle.path("entry").get(0).path("resource").path("status").asText());
        });
        JsonNode subscription = subscriptions(name).path("entry").get(0).path("resource");
        assertThat(subscription.path("channel").path("endpoint").asText()).isEqualTo(endpoint);
        assertThat(subscription.path("channel").path("header").get(0).asText())
                .isEqualTo("X-Webhook-Token: " + secret);

        // a matching change: HAPI's matcher picks it, its rest-hook delivery PUTs it to the listener
        hapi.put(observation("jsub-1", "final"));
        await("HAPI delivered Observation/jsub-1", Duration.ofSeconds(120),
                () -> inKafkaAt200.containsKey("Observation/jsub-1"));
        assertThat(inKafkaAt200).containsEntry("Observation/jsub-1", true);
        ConsumerRecord<byte[], byte[]> delivered = worker.consume(1, Duration.ofSeconds(10), "jsub.Observation")
                .stream().filter(r -> key(r).equals("Observation/jsub-1")).findFirst().orElseThrow();
        assertThat(header(delivered, "fhir.source")).isEqualTo("subscription");
        assertThat(header(delivered, "fhir.version.id")).isEqualTo("1");
        // a change outside the criteria is not delivered (and the 10-minute poll does not run)
        hapi.put(observation("jsub-2", "preliminary"));
        assertThat(worker.consume(2, Duration.ofSeconds(5), "jsub.Observation")).extracting(FhirItSupport::key)
                .doesNotContain("Observation/jsub-2");
        assertThat(server.deliveries().all()).extracting(DeliveryLog.Delivery::resourceKey)
                .doesNotContain("Observation/jsub-2");

        // the listener goes away (the connector stops): HAPI's deliveries fail and HAPI retries them
        worker.cluster().stopConnector(name);
        worker.cluster().assertions().assertConnectorIsStopped(name, "stopped");
        await("listener closed", Duration.ofSeconds(60), () -> !listening(endpoint));
        List<String> down = List.of("Observation/jsub-down0", "Observation/jsub-down1", "Observation/jsub-down2");
        for (int i = 0; i < 3; i++) {
            hapi.put(observation("jsub-down" + i, "final"));
        }
        // HAPI retries a failed delivery (1 s backoff, x1.1, for 60 s) before the next one of the same
        // Subscription: the later changes wait behind the first
        await("HAPI retried a failed delivery", Duration.ofSeconds(90), () -> down.stream()
                .anyMatch(k -> server.deliveries().all().stream()
                        .filter(d -> !d.delivered() && d.resourceKey().equals(k)).count() >= 2));

        // back up: HAPI's next retry reaches the new listener, and the start-up poll catches up; once each. The
        // poll reads the whole type, so it also brings jsub-2, which the Subscription's criteria left out
        worker.cluster().resumeConnector(name);
        worker.cluster().assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "resumed");
        List<ConsumerRecord<byte[], byte[]>> all = exactly(worker, 5, Duration.ofSeconds(120),
                Duration.ofSeconds(3), "jsub.Observation");
        uniqueVersions(all);
        assertThat(all).extracting(FhirItSupport::key).containsExactlyInAnyOrder("Observation/jsub-1",
                "Observation/jsub-2", "Observation/jsub-down0", "Observation/jsub-down1", "Observation/jsub-down2");
        // what HAPI delivers after the restart (the retried one, if its 60 s were not over, and those queued
        // behind it) reaches the new listener, each answered 200 only once in Kafka
        await("HAPI delivered to the restarted listener", Duration.ofSeconds(120),
                () -> down.stream().anyMatch(inKafkaAt200::containsKey));
        assertThat(inKafkaAt200).allSatisfy((key, inKafka) -> assertThat(inKafka).as(key).isTrue());
        assertThat(worker.consume(6, Duration.ofSeconds(3), "jsub.Observation")).hasSize(5);
        // the restarted task updated its Subscription instead of adding one
        assertThat(subscriptions(name).path("entry").size()).isEqualTo(1);
    }

    /** The connector's own Subscriptions on the server, found by the tag it puts on them. */
    private static JsonNode subscriptions(String connector) {
        try {
            return ConnectWorker.JSON.readTree(hapi.get("Subscription?_tag="
                    + "https://healthcare.kafka.connect/fhir-source-connector%7C" + connector));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** HAPI JPA enforces references on write (our test server did not): no subject pointing nowhere. */
    private static org.hl7.fhir.r4.model.Observation observation(String id, String status) {
        org.hl7.fhir.r4.model.Observation o = FhirItSupport.observation(id, status);
        o.setSubject(null);
        return o;
    }

    private static boolean listening(String endpoint) {
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
