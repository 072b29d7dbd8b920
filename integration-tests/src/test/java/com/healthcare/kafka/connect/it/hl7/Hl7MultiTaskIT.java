package com.healthcare.kafka.connect.it.hl7;

import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.byControlId;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.connector;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.consume;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.metric;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * tasks.max=2 on a cluster of two workers: every task listens on the same port (SO_REUSEPORT), the kernel spreads
 * connections over them, each task reports its own JMX metrics, and every message is acknowledged and stored.
 */
class Hl7MultiTaskIT {

    static ConnectWorker cluster;

    @BeforeAll
    static void start() {
        cluster = ConnectWorker.start("hl7-multi", 2, Map.of(), new Properties());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoTasksShareThePortAndTheLoad() throws Exception {
        int port = ConnectWorker.freePort();
        cluster.startConnector("multi", connector(port, "multi.", Map.of("tasks.max", "2")), 2);
        int connections = 24;
        int perConnection = 5;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            results.add(pool.submit(() -> {
                int acked = 0;
                try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
                    for (int i = 0; i < perConnection; i++) {
                        String id = "MT-" + connection + "-" + i;
                        String ack = socket.exchange(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", id, "MRN-" + id),
                                30_000);
                        if ("AA".equals(MllpSocketClient.ackCode(ack))) {
                            acked++;
                        }
                    }
                }
                return acked;
            }));
        }
        int acked = 0;
        for (Future<Integer> result : results) {
            acked += result.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        int total = connections * perConnection;
        assertThat(acked).isEqualTo(total);
        assertThat(byControlId(consume(cluster, total, "multi.ADT"))).hasSize(total);
        long task0 = (Long) metric("multi", 0, "MessagesReceived");
        long task1 = (Long) metric("multi", 1, "MessagesReceived");
        assertThat(task0).as("task 0 took connections").isPositive();
        assertThat(task1).as("task 1 took connections").isPositive();
        assertThat(task0 + task1).isEqualTo(total);
        cluster.cluster().deleteConnector("multi");
    }
}
