package com.healthcare.kafka.connect.it.fhir;

import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.await;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.header;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.json;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * Hostile input against the FHIR source in a real worker, with the built zip, JsonConverter and the producer's
 * default 1 MiB max.request.size:
 * <ul>
 *   <li>a resource of about 600 KB that JsonConverter's escaping grows past 1 MiB (before: RecordTooLargeException
 *   failed the task, and polling found the resource again after every restart);</li>
 *   <li>twelve clients sending their headers one byte at a time to the subscription listener while the FHIR
 *   server delivers a real notification (before: the notification waited behind them).</li>
 * </ul>
 */
class FhirHostileIT {

    static final String NAME = "fhir-hostile";
    static final String SECRET = "h0stile-" + Instant.now().toEpochMilli();
    static ConnectWorker worker;
    static FhirTestServer server;
    static int port;

    @BeforeAll
    static void start() {
        server = FhirTestServer.start();
        worker = ConnectWorker.start("fhir-hostile");
        port = ConnectWorker.freePort();
        Map<String, String> config = FhirItSupport.pollConfig(server, "hostile.", "Patient,Observation",
                Instant.now().minusSeconds(1));
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "true");
        FhirItSupport.subscribe(config, "Observation?status=final", port, "X-Webhook-Token: " + SECRET);
        config.put("fhir.subscription.listener.header.timeout.ms", "8000");
        worker.startConnector(NAME, config, 1);
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

    static boolean running() {
        JsonNode status = worker.getJson("connectors/" + NAME + "/status");
        return "RUNNING".equals(status.path("connector").path("state").asText())
                && "RUNNING".equals(status.path("tasks").path(0).path("state").asText());
    }

    /** An attribute of the task's own MBean (the worker runs in this JVM). */
    static long metric(String attribute) {
        try {
            return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(
                    "healthcare.connect.fhir:type=source-task,connector=" + ObjectName.quote(NAME) + ",task=0"),
                    attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aResourceTooLargeAsStoredBecomesAnErrorRecordAndTheStreamMovesOn() throws Exception {
        Observation huge = FhirItSupport.observation("huge", "preliminary");
        // 300,000 quotes: 600 KB in the server's JSON ("\""), 1.2 MB once JsonConverter escapes it again
        huge.addNote(new Annotation().setText("\"".repeat(300_000)));
        server.store().put(huge);
        server.store().put(FhirItSupport.observation("after-huge", "preliminary"));

        await("the resource after the huge one", Duration.ofSeconds(60), () -> worker.consume(1,
                Duration.ofSeconds(1), "hostile.Observation").stream()
                .anyMatch(r -> key(r).equals("Observation/after-huge")));
        List<ConsumerRecord<byte[], byte[]>> errors = worker.consume(1, Duration.ofSeconds(10), "hostile.errors");
        assertThat(errors).singleElement().satisfies(r -> {
            assertThat(key(r)).isEqualTo("Observation/huge");
            assertThat(header(r, "fhir.error.reason")).isEqualTo("too-large");
            assertThat(r.serializedValueSize()).isLessThan(2000);
            JsonNode value = ConnectWorker.JSON.readTree(json(r).path("payload").asText());
            assertThat(value.path("resourceType").asText()).isEqualTo("Observation");
            assertThat(value.path("id").asText()).isEqualTo("huge");
            assertThat(value.path("versionId").asText()).isEqualTo("1");
            assertThat(value.path("size").asLong()).isGreaterThan(1_048_576);
            assertThat(value.path("url").asText()).isEqualTo(server.baseUrl() + "/Observation/huge/_history/1");
        });
        assertThat(worker.consume(100, Duration.ofSeconds(2), "hostile.Observation"))
                .extracting(FhirItSupport::key).doesNotContain("Observation/huge");
        assertThat(running()).isTrue();
        assertThat(metric("OversizedResources")).isEqualTo(1);
        // the worker calls SourceTask.commit() after each successful offset commit (every second here)
        long commits = metric("OffsetCommits");
        await("offsets committed", Duration.ofSeconds(30), () -> metric("OffsetCommits") > commits);
        assertThat(metric("LargestOffsetBytes")).isBetween(50L, 10_000L);

        // a restart does not find it again: the offset moved past it
        worker.cluster().stopConnector(NAME);
        worker.cluster().assertions().assertConnectorIsStopped(NAME, "stopped");
        worker.cluster().resumeConnector(NAME);
        worker.cluster().assertions().assertConnectorAndExactlyNumTasksAreRunning(NAME, 1, "resumed");
        server.store().put(FhirItSupport.observation("after-restart", "preliminary"));
        await("a resource after the restart", Duration.ofSeconds(60), () -> worker.consume(1,
                Duration.ofSeconds(1), "hostile.Observation").stream()
                .anyMatch(r -> key(r).equals("Observation/after-restart")));
        assertThat(worker.consume(2, Duration.ofSeconds(3), "hostile.errors")).hasSize(1);
        assertThat(running()).isTrue();
    }

    @Test
    void slowHeaderClientsDoNotHoldUpANotification() throws Exception {
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 12; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.getOutputStream().write("PUT /fhir-webhook/Observation/x HTTP/1.1\r\nHost: x\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            trickle.scheduleAtFixedRate(() -> slow.forEach(s -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write('X');
                    out.flush();
                } catch (IOException e) {
                    // closed by the listener at the deadline
                }
            }), 100, 100, TimeUnit.MILLISECONDS);

            server.store().put(FhirItSupport.observation("through", "final"));
            await("notification answered 200", Duration.ofSeconds(60), () -> server.deliveries().stream()
                    .anyMatch(d -> d.resourceKey().equals("Observation/through") && d.status() == 200));
            assertThat(slow).as("answered while every slow client still holds its connection")
                    .allMatch(FhirHostileIT::open);
            assertThat(worker.consume(1, Duration.ofSeconds(5), "hostile.Observation"))
                    .anySatisfy(r -> {
                        assertThat(key(r)).isEqualTo("Observation/through");
                        assertThat(header(r, "fhir.source")).isEqualTo("subscription");
                    });
            await("slow clients closed at the header deadline", Duration.ofSeconds(60),
                    () -> slow.stream().noneMatch(FhirHostileIT::open));
            assertThat(metric("ListenerTimeouts")).isGreaterThanOrEqualTo(12);
            assertThat(running()).isTrue();
        } finally {
            trickle.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    static boolean open(Socket s) {
        try {
            s.setSoTimeout(20);
            s.getInputStream().read();
            return false; // end of stream or an answer: the listener is done with it
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
