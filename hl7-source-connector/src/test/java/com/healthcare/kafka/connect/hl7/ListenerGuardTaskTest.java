package com.healthcare.kafka.connect.hl7;

import static com.healthcare.kafka.connect.hl7.TaskHarness.STORED;
import static com.healthcare.kafka.connect.hl7.TaskHarness.msa;
import static com.healthcare.kafka.connect.hl7.TaskHarness.pollAtLeast;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7.testutil.Messages;
import com.healthcare.kafka.connect.hl7.testutil.MllpTestClient;

/** Fair share on the plain MLLP listener: per-address limit, allow-list, and garbage that cannot keep a socket. */
class ListenerGuardTaskTest {

    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
    }

    @Test
    void oneAddressGetsAtMostItsShareOfConnections() throws Exception {
        Hl7SourceTask task = harness.start(Map.of(Hl7SourceConnectorConfig.MAX_CONNECTIONS_PER_ADDRESS, "2"));
        MllpTestClient first = harness.connect(task);
        MllpTestClient second = harness.connect(task);
        first.send(Messages.adtA01("PA1", "2.5"));
        second.send(Messages.adtA01("PA2", "2.5"));
        pollAtLeast(task, 2).forEach(r -> task.commitRecord(r, STORED));
        assertThat(msa(first.read(5_000))).isEqualTo("MSA|AA|PA1");
        MllpTestClient third = harness.connect(task);
        assertThat(third.closedByServer(5_000)).isTrue();
        assertThat(task.metrics().getConnectionsRefused()).isEqualTo(1);

        first.close();
        // The slot comes back once the server has seen the close.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> task.metrics().getOpenConnections() == 1);
        MllpTestClient again = harness.connect(task);
        again.send(Messages.adtA01("PA3", "2.5"));
        pollAtLeast(task, 1).forEach(r -> task.commitRecord(r, STORED));
        assertThat(msa(again.read(5_000))).isEqualTo("MSA|AA|PA3");
    }

    @Test
    void addressesOutsideTheAllowListAreClosedAtOnce() throws Exception {
        Hl7SourceTask denying = harness.start(Map.of(Hl7SourceConnectorConfig.ALLOWED_CIDRS, "10.0.0.0/8,fd00::/8"));
        MllpTestClient refused = harness.connect(denying);
        assertThat(refused.closedByServer(5_000)).isTrue();
        assertThat(denying.metrics().getConnectionsRefused()).isEqualTo(1);

        Hl7SourceTask allowing = harness.start(Map.of(Hl7SourceConnectorConfig.ALLOWED_CIDRS, "10.0.0.0/8,127.0.0.0/8"));
        MllpTestClient client = harness.connect(allowing);
        client.send(Messages.adtA01("CIDR1", "2.5"));
        pollAtLeast(allowing, 1).forEach(r -> allowing.commitRecord(r, STORED));
        assertThat(msa(client.read(5_000))).isEqualTo("MSA|AA|CIDR1");
    }

    @Test
    void aGarbageTrickleOutsideAFrameDoesNotKeepTheConnectionOpen() throws Exception {
        Hl7SourceTask task = harness.start(Map.of(Hl7SourceConnectorConfig.IDLE_TIMEOUT_MS, "1000"));
        MllpTestClient trickle = harness.connect(task);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                while (!stop.get()) {
                    trickle.sendRaw(new byte[] {'x'});
                    TimeUnit.MILLISECONDS.sleep(200); // the attack's pace, not synchronisation
                }
            } catch (IOException | InterruptedException closed) {
                // The server closed the connection.
            }
        });
        try {
            assertThat(trickle.closedByServer(6_000)).as("closed by the idle timeout despite 5 bytes/s").isTrue();
        } finally {
            stop.set(true);
            sender.join();
        }
        // What arrived is still recorded, as bytes outside a frame.
        assertThat(TaskHarness.header(pollAtLeast(task, 1).get(0), "hl7.error.class")).isEqualTo("framing");
    }
}
