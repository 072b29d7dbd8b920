package com.healthcare.kafka.connect.hl7;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.common.JmxRegistration;
import com.healthcare.kafka.connect.hl7.ack.AckBuilder;
import com.healthcare.kafka.connect.hl7.ack.AckPolicy;
import com.healthcare.kafka.connect.hl7.config.ProcessingGuarantee;
import com.healthcare.kafka.connect.hl7.delivery.DedupWindow;
import com.healthcare.kafka.connect.hl7.delivery.Hl7Pipeline;
import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;
import com.healthcare.kafka.connect.hl7.mllp.MllpServer;
import com.healthcare.kafka.connect.hl7.record.RecordFactory;
import com.healthcare.kafka.connect.hl7.validation.HapiValidator;

/**
 * One MLLP listener. Messages are acknowledged when Connect reports their records committed
 * ({@link #commitRecord(SourceRecord, RecordMetadata)} with metadata), per processing.guarantee.
 */
public class Hl7SourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7SourceTask.class);

    static final String METRICS_DOMAIN = "com.healthcare.kafka.connect.hl7";
    static final String METRICS_TYPE = "hl7-source-task";
    /** How long a stopping task waits for records already handed to Connect to be committed and answered. */
    private static final long STOP_GRACE_MS = 2_000;

    private Hl7SourceTaskMetrics metrics;
    private Hl7Pipeline pipeline;
    private MllpServer server;
    private HapiValidator validator;
    private JmxRegistration jmx;
    private String name = "hl7-source";

    @Override
    public String version() {
        return BuildVersion.of(Hl7SourceTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        Hl7SourceConnectorConfig config = new Hl7SourceConnectorConfig(props);
        int taskIndex = config.taskIndex();
        name = config.connectorName() + "-" + taskIndex;
        metrics = new Hl7SourceTaskMetrics();
        ProcessingGuarantee guarantee = config.processingGuarantee();
        Map<String, String> sourcePartition = Map.of("task", Integer.toString(taskIndex));

        DedupWindow window = null;
        if (guarantee == ProcessingGuarantee.EXACTLY_ONCE) {
            window = new DedupWindow(config.dedupWindowSize());
            int restored = restoreWindow(window, sourcePartition);
            LOG.info("{}: exactly_once duplicate window restored with {} message(s)", name, restored);
        }
        try {
            validator = config.validationEnabled() ? new HapiValidator() : null;
            String fallbackVersion = config.defaultVersion() == null ? "2.5" : config.defaultVersion();
            String idPrefix = taskIndex + "." + Long.toString(System.currentTimeMillis() / 1000 % 2_176_782_336L, 36)
                    + ".";
            AckBuilder acks = new AckBuilder(fallbackVersion, idPrefix);
            AckPolicy policy = new AckPolicy(config.successCode(), config.errorCode(), config.rejectionCode(),
                    config.successText(), config.errorText(), config.rejectionText());
            RecordFactory records = new RecordFactory(config.keySource(), config.outputFormat(), config.errorTopic(),
                    config.defaultVersion(), config.maxRecordBytes(), config.errorRecordMaxBytes());

            Hl7Pipeline.Settings settings = new Hl7Pipeline.Settings();
            settings.name = name;
            settings.guarantee = guarantee;
            settings.filter = config.messageTypeFilter();
            settings.router = config.topicRouter();
            settings.charsetOverride = config.charsetOverride();
            settings.ackOnDropped = config.ackOnDropped();
            settings.ackTimeoutMs = config.ackTimeoutMs();
            settings.maxBatchSize = config.maxBatchSize();
            settings.pollIntervalMs = config.pollIntervalMs();
            settings.failInvalid = config.validationFailInvalid();
            settings.sourcePartition = sourcePartition;
            pipeline = new Hl7Pipeline(settings, records, policy, acks, validator, window, metrics);

            SSLContext sslContext = null;
            SSLParameters sslParameters = null;
            if (config.tlsEnabled()) {
                sslContext = config.tls().serverContext();
                sslParameters = config.tls().serverParameters(sslContext);
            }
            int tasksMax = parseTasksMax(props.get("tasks.max"));
            MllpServer.Settings listener = new MllpServer.Settings(config.listenerHost(), config.listenerPort(),
                    tasksMax > 1, config.maxConnections(), config.maxMessageBytes(), config.idleTimeoutMs(),
                    config.ackTimeoutMs(), sslContext, sslParameters, "hl7-mllp-" + name,
                    new MllpServer.Guard(config.allowedCidrs(), config.maxConnectionsPerAddress(),
                            config.handshakeTimeoutMs()));
            server = new MllpServer(listener, pipeline, config.queueCapacity(), config.queueMaxBytes(), metrics);
        } catch (IOException | GeneralSecurityException e) {
            releaseResources();
            throw new ConnectException(name + ": cannot start the MLLP listener: " + e.getMessage(), e);
        }
        MllpServer started = server;
        Hl7Pipeline startedPipeline = pipeline;
        metrics.gauges(() -> started.limiter().frames(), startedPipeline::queueDepth, started::openConnections);
        jmx = JmxRegistration.register(METRICS_DOMAIN, METRICS_TYPE, config.connectorName(), taskIndex, metrics);
        LOG.info("{}: listening for MLLP{} on {}:{} ({}, ACK after {})", name, config.tlsEnabled() ? " over TLS" : "",
                config.listenerHost(), server.port(), guarantee.configValue(),
                guarantee == ProcessingGuarantee.AT_MOST_ONCE ? "receipt" : "the Kafka commit");
    }

    private int restoreWindow(DedupWindow window, Map<String, String> sourcePartition) {
        if (context == null || context.offsetStorageReader() == null) {
            return 0;
        }
        Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition);
        if (offset == null) {
            return 0;
        }
        int restored = window.restore(asString(offset.get("w")));
        restored += window.restore(asString(offset.get("b")));
        return restored;
    }

    private static String asString(Object value) {
        return value == null ? null : value.toString();
    }

    private static int parseTasksMax(String value) {
        try {
            return value == null ? 1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The port the listener bound (for tests that listen on port 0). */
    int boundPort() {
        return server.port();
    }

    Hl7SourceTaskMetrics metrics() {
        return metrics;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return pipeline.poll();
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        pipeline.commit(record, metadata);
    }

    /**
     * Stops reading, gives records already handed to Connect a short grace to be committed and answered, then
     * closes every connection: a message without an ACK by then is resent by its sender.
     */
    @Override
    public void stop() {
        if (pipeline != null) {
            pipeline.stopPolling();
        }
        if (server != null) {
            server.stopReading();
            try {
                pipeline.awaitClaimedCompleted(STOP_GRACE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.flushCompleted(1_000);
        }
        releaseResources();
        LOG.info("{}: stopped", name);
    }

    private void releaseResources() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (validator != null) {
            validator.close();
            validator = null;
        }
        if (jmx != null) {
            jmx.close();
            jmx = null;
        }
    }
}
