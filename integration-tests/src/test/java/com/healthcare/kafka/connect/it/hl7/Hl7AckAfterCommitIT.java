package com.healthcare.kafka.connect.it.hl7;

import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.connector;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.consume;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * While Kafka cannot take a record (its topic does not exist and nothing may create it), the sender gets no AA:
 * an AE at hl7.ack.timeout.ms, and when the task is stopped, a closed connection without any ACK.
 */
class Hl7AckAfterCommitIT {

    static ConnectWorker worker;

    @BeforeAll
    static void start() {
        Properties broker = new Properties();
        broker.put("auto.create.topics.enable", "false");
        worker = ConnectWorker.start("hl7-ack", 1, Map.of(), broker);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    /** No topic.creation.* keys: Connect creates no topic, and the broker does not either. */
    private static Map<String, String> withoutTopicCreation(int port, String prefix, String ackTimeoutMs) {
        Map<String, String> config = new HashMap<>(connector(port, prefix, Map.of("hl7.ack.timeout.ms", ackTimeoutMs)));
        config.remove("topic.creation.default.replication.factor");
        config.remove("topic.creation.default.partitions");
        return config;
    }

    @Test
    void noAckBeforeKafkaHasTheRecordThenAnErrorAtTheTimeout() throws Exception {
        int port = ConnectWorker.freePort();
        worker.startConnector("nack", withoutTopicCreation(port, "nack.", "4000"), 1);
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            socket.send(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "NACK-1", "MRN-N"));
            assertThat(socket.read(2_500)).as("no acknowledgement while Kafka does not have the record").isNull();
            String late = socket.read(30_000);
            assertThat(MllpSocketClient.segment(late, "MSA")).startsWith("MSA|AE|NACK-1|");
            assertThat(MllpSocketClient.segment(late, "ERR")).contains("hl7.ack.timeout.ms");

            // Once the topic exists the blocked record lands (the sender, told AE, resends: at-least-once).
            worker.kafka().createTopic("nack.ADT", 1);
            assertThat(consume(worker, 1, "nack.ADT")).hasSize(1);
            String next = socket.exchange(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "NACK-2", "MRN-N"), 30_000);
            assertThat(MllpSocketClient.segment(next, "MSA")).isEqualTo("MSA|AA|NACK-2");
        }
        worker.cluster().deleteConnector("nack");
    }

    @Test
    void stoppingTheTaskClosesConnectionsWithoutAnAck() throws Exception {
        int port = ConnectWorker.freePort();
        worker.startConnector("nack-stop", withoutTopicCreation(port, "nackstop.", "120000"), 1);
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            socket.send(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "STOP-1", "MRN-N"));
            assertThat(socket.read(2_000)).isNull();
            worker.cluster().deleteConnector("nack-stop");
            assertThat(socket.read(60_000)).as("the connection closes without any response").isNull();
            assertThat(socket.closedByServer(1_000)).isTrue();
        }
    }
}
