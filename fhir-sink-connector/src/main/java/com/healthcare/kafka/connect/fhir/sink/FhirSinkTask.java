package com.healthcare.kafka.connect.fhir.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.common.JmxRegistration;
import com.healthcare.kafka.connect.fhir.sink.write.Outcome;
import com.healthcare.kafka.connect.fhir.sink.write.RecordWriter;
import com.healthcare.kafka.connect.fhir.sink.write.RejectedRecordException;
import com.healthcare.kafka.connect.fhir.sink.write.Write;
import com.healthcare.kafka.connect.fhir.sink.write.WritePlanner;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.HttpSettings;

/**
 * Writes each {@code put()} completely before returning: every record is confirmed by the server, or rejected
 * (dead letter queue with errors.tolerance=all, else the task fails with the server's OperationOutcome), or, when
 * retries ran out, the task asks the worker to redeliver the batch ({@code context.timeout} +
 * {@link RetriableException}); records already settled in that batch are not written again on the redelivery.
 * {@link #preCommit} reports per partition only the offsets up to the last settled record.
 */
public class FhirSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(FhirSinkTask.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private FhirSinkConnectorConfig config;
    private String connectorName;
    private boolean toleratesAll;
    private ExecutorService httpExecutor;
    private ExecutorService writeExecutor;
    private FhirHttpClient client;
    private WritePlanner planner;
    private RecordWriter writer;
    private SinkTaskMetrics metrics;
    private JmxRegistration jmx;
    private ErrantRecordReporter reporter;

    /** Records of a batch the worker will redeliver that were already settled (written or dead-lettered). */
    private final Set<RecordId> settledInRedeliveredBatch = new HashSet<>();
    /** Per partition: the offset after the last settled record. */
    private final Map<TopicPartition, OffsetAndMetadata> confirmed = new HashMap<>();

    record RecordId(String topic, int partition, long offset) {
        static RecordId of(SinkRecord r) {
            return new RecordId(r.originalTopic(), r.originalKafkaPartition(), r.originalKafkaOffset());
        }
    }

    @Override
    public String version() {
        return BuildVersion.of(FhirSinkTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        config = FhirSinkConnectorConfig.parseStrict(props);
        connectorName = props.getOrDefault("name", "fhir-sink");
        toleratesAll = FhirSinkConnectorConfig.toleratesAll(props);
        int instance = Integer.parseInt(props.getOrDefault(FhirSinkConnector.TASK_INDEX, "0"));
        String threadPrefix = "fhir-sink-" + connectorName + "-" + instance + "-" + INSTANCES.incrementAndGet();

        HttpSettings settings = config.client().httpSettings(config.maxInFlight());
        httpExecutor = Executors.newCachedThreadPool(daemon(threadPrefix + "-http"));
        java.net.http.HttpClient jdk = FhirHttpClient.newJdkClient(settings, httpExecutor);
        client = new FhirHttpClient(jdk, settings, config.client().authenticator(jdk, settings, config.fhirUrl()), httpExecutor);
        writeExecutor = Executors.newFixedThreadPool(config.maxInFlight(), daemon(threadPrefix + "-write"));
        metrics = new SinkTaskMetrics();
        metrics.bind(client::requests, client::retries);
        planner = new WritePlanner(config.conditionalMode(), config.identifierSystem(), config.deleteEnabled());
        writer = new RecordWriter(client, config.fhirUrl(), config.batchMode(), config.batchSize(), writeExecutor,
                metrics);
        jmx = JmxRegistration.register("healthcare.connect.fhir", "sink-task", connectorName, instance, metrics);
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than Kafka 2.6
        }
        LOG.info("Connector {}: task {} writes to {} (batch mode {}, {} request(s) in flight)", connectorName,
                instance, config.fhirUrl(), config.batchMode(), config.maxInFlight());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<SinkRecord> batch = new ArrayList<>(records);
        Outcome[] outcomes = new Outcome[batch.size()];
        List<Write> writes = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            SinkRecord record = batch.get(i);
            if (settledInRedeliveredBatch.contains(RecordId.of(record))) {
                outcomes[i] = Outcome.CONFIRMED;
                writes.add(null);
                continue;
            }
            try {
                writes.add(planner.plan(record));
            } catch (RejectedRecordException e) {
                outcomes[i] = Outcome.rejected(e);
                writes.add(null);
            }
        }
        Outcome[] written;
        try {
            written = writer.write(writes, !toleratesAll || reporter == null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("Interrupted while writing to " + config.fhirUrl(), e);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] == null) {
                outcomes[i] = written[i];
            }
        }
        settle(batch, writes, outcomes);
    }

    private void settle(List<SinkRecord> batch, List<Write> writes, Outcome[] outcomes) {
        List<Future<Void>> reports = new ArrayList<>();
        RuntimeException firstUnconfirmed = null;
        Map<TopicPartition, Boolean> blocked = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            SinkRecord record = batch.get(i);
            Outcome outcome = outcomes[i];
            RecordId id = RecordId.of(record);
            boolean already = settledInRedeliveredBatch.contains(id);
            switch (outcome.status()) {
                case CONFIRMED -> {
                    if (!already) {
                        Write w = writes.get(i);
                        if (w != null && w.kind() == Write.Kind.SKIP) {
                            metrics.skipped.incrementAndGet();
                        } else {
                            metrics.written.incrementAndGet();
                        }
                    }
                }
                case REJECTED -> {
                    if (!toleratesAll || reporter == null) {
                        throw new ConnectException("FHIR sink cannot write the record at " + id.topic() + "-"
                                + id.partition() + "@" + id.offset() + ": " + outcome.error().getMessage()
                                + " (set errors.tolerance=all and errors.deadletterqueue.topic.name to send such "
                                + "records to a dead letter queue instead)", outcome.error());
                    }
                    reports.add(reporter.report(record, outcome.error()));
                    metrics.deadLettered.incrementAndGet();
                    LOG.warn("Connector {}: record {}-{}@{} sent to the dead letter queue: {}", connectorName,
                            id.topic(), id.partition(), id.offset(), outcome.error().getMessage());
                }
                default -> {
                    if (firstUnconfirmed == null) {
                        firstUnconfirmed = outcome.error();
                    }
                }
            }
            TopicPartition tp = new TopicPartition(id.topic(), id.partition());
            if (outcome.settled()) {
                settledInRedeliveredBatch.add(id);
                if (!blocked.getOrDefault(tp, false)) {
                    confirmed.put(tp, new OffsetAndMetadata(id.offset() + 1));
                }
            } else {
                blocked.put(tp, true);
            }
        }
        awaitReports(reports);
        if (firstUnconfirmed != null || blocked.containsValue(true)) {
            metrics.redelivered.incrementAndGet();
            context.timeout(config.retryTimeoutMs());
            String reason = firstUnconfirmed == null ? "not confirmed" : firstUnconfirmed.getMessage();
            LOG.warn("Connector {}: {} record(s) not confirmed by {}; the worker redelivers them in {} ms: {}",
                    connectorName, blocked.size(), config.fhirUrl(), config.retryTimeoutMs(), reason);
            throw new RetriableException("FHIR server did not confirm every record: " + reason, firstUnconfirmed);
        }
        settledInRedeliveredBatch.clear();
    }

    /** The dead letter queue has every reported record before its offset can be committed. */
    private void awaitReports(List<Future<Void>> reports) {
        for (Future<Void> f : reports) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("Interrupted while writing to the dead letter queue", e);
            } catch (ExecutionException e) {
                throw new ConnectException("Cannot write to the dead letter queue", e.getCause());
            }
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        currentOffsets.forEach((tp, current) -> {
            OffsetAndMetadata ours = confirmed.get(tp);
            if (ours != null) {
                result.put(tp, ours.offset() <= current.offset() ? ours : current);
            }
        });
        return result;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(confirmed::remove);
        settledInRedeliveredBatch.removeIf(id -> partitions.contains(new TopicPartition(id.topic(), id.partition())));
    }

    @Override
    public void stop() {
        if (writeExecutor != null) {
            writeExecutor.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
        if (jmx != null) {
            jmx.close();
        }
    }

    SinkTaskMetrics metrics() {
        return metrics;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
