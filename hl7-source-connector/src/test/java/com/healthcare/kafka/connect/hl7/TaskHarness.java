package com.healthcare.kafka.connect.hl7;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.awaitility.Awaitility;

import com.healthcare.kafka.connect.hl7.testutil.MllpTestClient;

/** Tasks over real sockets, with Connect's role (poll, commitRecord) played by the test; closes what it opened. */
final class TaskHarness implements AutoCloseable {

    static final RecordMetadata STORED = new RecordMetadata(new TopicPartition("t", 0), 0, 0, 0, 0, 0);

    private final List<Hl7SourceTask> tasks = new ArrayList<>();
    private final List<MllpTestClient> clients = new ArrayList<>();

    @Override
    public void close() throws IOException {
        for (MllpTestClient client : clients) {
            client.close();
        }
        for (Hl7SourceTask task : tasks) {
            task.stop();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    Hl7SourceTask start(Map<String, String> overrides) throws IOException {
        return start(overrides, Map.of());
    }

    Hl7SourceTask start(Map<String, String> overrides, Map<String, Object> storedOffset) throws IOException {
        Map<String, String> props = new HashMap<>();
        props.put("name", "unit");
        props.put(Hl7SourceConnectorConfig.LISTENER_HOST, "127.0.0.1");
        props.put(Hl7SourceConnectorConfig.LISTENER_PORT, Integer.toString(freePort()));
        props.put(Hl7SourceConnectorConfig.POLL_INTERVAL_MS, "50");
        props.putAll(overrides);
        Hl7SourceTask task = new Hl7SourceTask();
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
                return null;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return storedOffset.isEmpty() ? null : storedOffset;
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        return Map.of();
                    }
                };
            }
        });
        task.start(props);
        tasks.add(task);
        return task;
    }

    MllpTestClient connect(Hl7SourceTask task) throws IOException {
        MllpTestClient client = MllpTestClient.connect(task.boundPort());
        clients.add(client);
        return client;
    }

    static List<SourceRecord> pollAtLeast(Hl7SourceTask task, int count) {
        List<SourceRecord> records = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                records.addAll(batch);
            }
            return records.size() >= count;
        });
        return records;
    }

    static String msa(String ack) {
        for (String segment : ack.split("\r")) {
            if (segment.startsWith("MSA")) {
                return segment;
            }
        }
        return null;
    }

    /** A task the test stopped itself. */
    void forget(Hl7SourceTask task) {
        tasks.remove(task);
    }

    static String header(SourceRecord record, String name) {
        return record.headers().lastWithName(name) == null ? null
                : String.valueOf(record.headers().lastWithName(name).value());
    }
}
