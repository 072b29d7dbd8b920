package com.healthcare.kafka.connect.fhir.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.fhir.sink.StubFhirServer.Reply;
import com.healthcare.kafka.connect.fhir.sink.StubFhirServer.Request;

/** The task's delivery rules over a real HTTP server: DLQ or readable failure, redelivery, offsets, metrics. */
class FhirSinkTaskTest {

    private static final TopicPartition TP = new TopicPartition("fhir.in", 0);

    private StubFhirServer server;
    private FhirSinkTask task;
    private final List<SinkRecord> reported = new ArrayList<>();
    private final List<Throwable> reportedErrors = new ArrayList<>();
    private final AtomicLong timeout = new AtomicLong(-1);

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(java.util.function.Function<Request, Reply> handler, Map<String, String> extra)
            throws Exception {
        server = new StubFhirServer(handler);
        Map<String, String> props = new HashMap<>();
        props.put("name", "sink-test-" + System.nanoTime());
        props.put("fhir.url", server.baseUrl() + "/");
        props.put("fhir.retry.backoff.ms", "5");
        props.put("fhir.retry.max.attempts", "1");
        props.put("fhir.sink.retry.timeout.ms", "123");
        props.putAll(extra);
        task = new FhirSinkTask();
        task.initialize(new Context());
        task.start(props);
    }

    private static SinkRecord record(String key, String value, long offset) {
        return new SinkRecord(TP.topic(), TP.partition(), null, key, null, value, offset);
    }

    private static String patient(String id) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}";
    }

    @Test
    void rejectedRecordsGoToTheDeadLetterQueueWithTheOperationOutcome() throws Exception {
        start(r -> r.path().endsWith("/bad") ? Reply.of(422, StubFhirServer.outcome("processing",
                "Profile violation")) : Reply.of(200, "{}"), Map.of("errors.tolerance", "all"));
        task.put(List.of(record("a", patient("ok"), 10), record("b", patient("bad"), 11), record("c", "not json", 12)));
        assertThat(reported).extracting(SinkRecord::kafkaOffset).containsExactly(11L, 12L);
        assertThat(reportedErrors.get(0)).hasMessageContaining("HTTP 422").hasMessageContaining("Profile violation");
        assertThat(reportedErrors.get(1)).hasMessageContaining("not JSON");
        assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(13)))).containsEntry(TP, new OffsetAndMetadata(13));
        assertThat(task.metrics().getRecordsWritten()).isEqualTo(1);
        assertThat(task.metrics().getRecordsDeadLettered()).isEqualTo(2);
    }

    @Test
    void withoutToleranceTheTaskFailsWithTheReadableOutcome() throws Exception {
        start(r -> Reply.of(400, StubFhirServer.outcome("invalid", "Unknown resource type 'Patien'")), Map.of());
        assertThatThrownBy(() -> task.put(List.of(record("a", patient("1"), 5)))).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("fhir.in-0@5").hasMessageContaining("Unknown resource type 'Patien'")
                .hasMessageContaining("errors.tolerance=all");
        assertThat(reported).isEmpty();
    }

    @Test
    void unconfirmedRecordsAreRedeliveredAndOffsetsStopBeforeThem() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        start(r -> down.get() && r.path().endsWith("/2") ? Reply.of(503, "") : Reply.of(200, "{}"), Map.of());
        List<SinkRecord> batch = List.of(record("a", patient("1"), 20), record("b", patient("2"), 21),
                record("c", patient("3"), 22));
        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class).hasMessageContaining("503");
        assertThat(timeout.get()).isEqualTo(123);
        // 20 confirmed, 21 not: the commit stops at 21 although 22 was confirmed too
        assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(23)))).containsEntry(TP, new OffsetAndMetadata(21));
        int before = server.requests.size();

        down.set(false);
        task.put(batch); // the worker redelivers the same batch
        List<String> again = server.requests.subList(before, server.requests.size()).stream().map(Request::path)
                .toList();
        assertThat(again).containsExactly("/fhir/Patient/2"); // 1 and 3 were confirmed: not written twice
        assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(23)))).containsEntry(TP, new OffsetAndMetadata(23));
        assertThat(task.metrics().getRecordsWritten()).isEqualTo(3);
        assertThat(task.metrics().getBatchesRedelivered()).isEqualTo(1);
        assertThat(task.metrics().getRetries()).isEqualTo(1);
    }

    @Test
    void metricsArePublishedPerTaskOverJmx() throws Exception {
        start(r -> Reply.of(200, "{}"), Map.of("fhir.sink.delete.enabled", "false"));
        task.put(List.of(record("a", patient("1"), 0), record("Patient/1", null, 1)));
        Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("healthcare.connect.fhir:type=sink-task,*"), null);
        assertThat(names).isNotEmpty();
        ObjectName name = names.stream().filter(n -> n.toString().contains("sink-test")).findFirst().orElseThrow();
        assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "RecordsWritten")).isEqualTo(1L);
        assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "TombstonesSkipped")).isEqualTo(1L);
        assertThat((Double) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "LatencyP99Ms"))
                .isGreaterThan(0.0);
        assertThat(server.requests).hasSize(1);
    }

    private final class Context implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
        }

        @Override
        public void timeout(long timeoutMs) {
            timeout.set(timeoutMs);
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of(TP);
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return (record, error) -> {
                reported.add(record);
                reportedErrors.add(error);
                return CompletableFuture.completedFuture(null);
            };
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
