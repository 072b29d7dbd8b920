package com.healthcare.kafka.connect.fhir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.common.JmxRegistration;
import com.healthcare.kafka.connect.common.TlsConfig;
import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.FhirResponse;
import com.healthcare.kafka.connect.fhirclient.HttpSettings;
import com.healthcare.kafka.connect.fhir.bulk.BulkExportSettings;
import com.healthcare.kafka.connect.fhir.bulk.BulkLoad;
import com.healthcare.kafka.connect.fhir.bulk.BulkProgress;
import com.healthcare.kafka.connect.fhir.poll.PollSettings;
import com.healthcare.kafka.connect.fhir.poll.RecordFactory;
import com.healthcare.kafka.connect.fhir.poll.RecordQueue;
import com.healthcare.kafka.connect.fhir.poll.TaskErrors;
import com.healthcare.kafka.connect.fhir.poll.TaskMetrics;
import com.healthcare.kafka.connect.fhir.poll.TypeCursor;
import com.healthcare.kafka.connect.fhir.poll.TypePoller;
import com.healthcare.kafka.connect.fhir.poll.TypeStream;
import com.healthcare.kafka.connect.fhir.subscription.NotificationListener;
import com.healthcare.kafka.connect.fhir.subscription.PendingAcks;
import com.healthcare.kafka.connect.fhir.subscription.SubscriptionRegistrar;

/**
 * One task: polls its share of the resource types on a small thread pool, hands records to the worker through a
 * bounded queue, and, in the task that owns the subscription, runs the notification listener and keeps the
 * Subscription resources alive. poll() only drains the queue (waiting at most a second), so it never spins and
 * never blocks the worker for long.
 */
public class FhirSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(FhirSourceTask.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long POLL_WAIT_MS = 1000;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private FhirSourceConnectorConfig config;
    private String connectorName;
    private ExecutorService httpExecutor;
    private FhirHttpClient client;
    private ScheduledExecutorService scheduler;
    private RecordQueue queue;
    private TaskErrors errors;
    private TaskMetrics metrics;
    private JmxRegistration jmx;
    // Concurrent: a Bulk Data hand-over adds a type while metrics read them.
    private final Map<String, TypeStream> streams = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final List<TypePoller> pollers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private RecordFactory records;
    private BulkLoad bulkLoad;
    private Thread bulkThread;
    private final PendingAcks acks = new PendingAcks();
    private NotificationListener listener;
    private SubscriptionRegistrar registrar;

    @Override
    public String version() {
        return BuildVersion.of(FhirSourceTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        config = FhirSourceConnectorConfig.parseStrict(props);
        connectorName = props.getOrDefault("name", "fhir-source");
        List<String> types = taskTypes(props, config);
        boolean hostsListener = Boolean.parseBoolean(props.getOrDefault(FhirSourceConnector.TASK_LISTENER, "false"));
        int instance = Integer.parseInt(props.getOrDefault(FhirSourceConnector.TASK_INDEX, "0"));
        String threadPrefix = "fhir-" + connectorName + "-" + instance + "-" + INSTANCES.incrementAndGet();

        metrics = new TaskMetrics();
        queue = new RecordQueue(config.queueCapacity());
        errors = new TaskErrors(queue, metrics);
        HttpSettings settings = config.client().httpSettings(config.concurrentRequests());
        httpExecutor = Executors.newCachedThreadPool(daemon(threadPrefix + "-http"));
        java.net.http.HttpClient jdk = FhirHttpClient.newJdkClient(settings, httpExecutor);
        client = new FhirHttpClient(jdk, settings, config.client().authenticator(jdk, settings, config.fhirUrl()), httpExecutor);
        metrics.bind(client, queue, () -> streams.values().stream().map(TypeStream::describe).toList());
        jmx = JmxRegistration.register("healthcare.connect.fhir", "source-task", connectorName, instance, metrics);

        records = new RecordFactory(config.topicPrefix(), config.fhirUrl(), config.errorTopic(),
                config.recordMaxBytes());
        List<Map<String, Object>> partitions = new ArrayList<>();
        types.forEach(t -> partitions.add(records.partition(t)));
        Map<Map<String, Object>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(partitions);
        BulkExportSettings bulk = config.bulkExport();
        Map<String, BulkProgress> bulkTypes = new LinkedHashMap<>();
        for (String type : types) {
            Map<String, Object> offset = offsets == null ? null : offsets.get(records.partition(type));
            BulkProgress progress = BulkProgress.from(offset);
            if (progress != null || (bulk != null && (offset == null || offset.isEmpty()))) {
                bulkTypes.put(type, progress); // a Bulk Data load to start or resume; polling follows it
                continue;
            }
            TypeCursor cursor = TypeCursor.restore(offset, config.since());
            streams.put(type, new TypeStream(type, cursor, records, queue, metrics));
            LOG.info("Connector {}: {} resumes at {}", connectorName, type,
                    cursor.watermarkText() == null ? "the beginning" : cursor.watermarkText());
        }

        scheduler = new ScheduledThreadPoolExecutor(Math.max(1, Math.min(types.size(), config.concurrentRequests())),
                daemon(threadPrefix + "-poll"));
        ((ScheduledThreadPoolExecutor) scheduler).setRemoveOnCancelPolicy(true);
        for (String type : streams.keySet()) {
            pollers.add(poller(type));
        }

        if (!bulkTypes.isEmpty()) {
            startBulkLoad(bulk == null ? new BulkExportSettings(BulkExportSettings.SYSTEM, null, 2_000L,
                    BulkExportSettings.DEFAULT_RETRY_AFTER_MAX_MS) : bulk,
                    bulkTypes, hostsListener, threadPrefix);
        } else if (hostsListener) {
            checkServerNow(); // the Subscription must not be registered on a server we cannot use
            startSubscription(threadPrefix);
        } else {
            // alongside the first search, so a bad credential or a non-R4 server still fails the task quickly
            httpExecutor.execute(() -> {
                try {
                    checkServer();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    errors.fatal(e);
                }
            });
        }
        pollers.forEach(TypePoller::start);
        LOG.info("Connector {}: task {} polls {}{}", connectorName, instance, types,
                hostsListener ? " and receives subscription notifications on port " + listener.port() : "");
    }

    private TypePoller poller(String type) {
        PollSettings ps = new PollSettings(config.fhirUrl(), config.pageSize(),
                config.queryParameters().forType(type), config.deletesEnabled(), config.pollIntervalMs(),
                config.retryBackoffMaxMs());
        return new TypePoller(streams.get(type), client, ps, scheduler, httpExecutor, errors, metrics);
    }

    /**
     * Runs the Bulk Data load of {@code bulkTypes} on its own thread; each type starts polling at the export's
     * transactionTime once its files are emitted, and the subscription (if this task hosts it) starts after the
     * last one, so no notification can race the load's offsets. A transient failure (a broken file, a 5xx after
     * the client's retries) is retried from where the load stands.
     */
    private void startBulkLoad(BulkExportSettings bulk, Map<String, BulkProgress> bulkTypes, boolean hostsListener,
                               String threadPrefix) {
        java.util.Set<String> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
        pending.addAll(bulkTypes.keySet());
        bulkLoad = new BulkLoad(client, bulk, config.fhirUrl(), bulkTypes, records, queue, (type, transactionTime) -> {
            streams.put(type, new TypeStream(type, TypeCursor.startingAt(transactionTime), records, queue, metrics));
            TypePoller poller = poller(type);
            pollers.add(poller);
            poller.start();
            LOG.info("Connector {}: {} loaded by Bulk Data export; polling from its transactionTime {}",
                    connectorName, type, transactionTime);
            pending.remove(type);
            if (pending.isEmpty() && hostsListener) {
                startSubscription(threadPrefix);
            }
        });
        Thread thread = new Thread(() -> {
            long backoff = config.retryBackoffMs();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    bulkLoad.load();
                    return;
                } catch (InterruptedException e) {
                    return;
                } catch (FhirException e) {
                    if (!e.transientFailure()) {
                        errors.fatal(e);
                        return;
                    }
                    errors.transientError("Bulk Data load: " + e.getMessage());
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException stop) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, config.retryBackoffMaxMs());
                } catch (RuntimeException e) {
                    errors.fatal(e);
                    return;
                }
            }
        }, threadPrefix + "-bulk");
        thread.setDaemon(true);
        bulkThread = thread;
        thread.start();
        LOG.info("Connector {}: Bulk Data initial load of {}", connectorName, bulkTypes.keySet());
    }

    static List<String> taskTypes(Map<String, String> props, FhirSourceConnectorConfig config) {
        String assigned = props.get(FhirSourceConnector.TASK_RESOURCE_TYPES);
        if (assigned == null || assigned.isBlank()) {
            return config.resourceTypes();
        }
        List<String> types = new ArrayList<>();
        for (String t : assigned.split(",")) {
            if (!t.isBlank()) {
                types.add(t.trim());
            }
        }
        return types;
    }

    private void checkServerNow() {
        try {
            checkServer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while starting", e);
        }
    }

    /** Fails fast on bad credentials or a server that is not FHIR R4; only warns when the server is unreachable. */
    private void checkServer() throws InterruptedException {
        try {
            FhirResponse response = client.get(config.fhirUrl() + "/metadata");
            JsonNode capability = MAPPER.readTree(response.body());
            String version = capability == null ? "" : capability.path("fhirVersion").asText("");
            if (!version.isEmpty() && !version.startsWith("4.0")) {
                throw new ConnectException("The server at " + config.fhirUrl() + " reports FHIR version " + version
                        + "; this connector reads FHIR R4 (4.0.x) only");
            }
        } catch (FhirException e) {
            if (!e.transientFailure() && (e.status() == 401 || e.status() == 403)) {
                throw e;
            }
            LOG.warn("Connector {}: cannot read {}/metadata ({}); polling will keep trying", connectorName,
                    config.fhirUrl(), e.getMessage());
        } catch (IOException e) {
            LOG.warn("Connector {}: {}/metadata is not JSON; continuing", connectorName, config.fhirUrl());
        }
    }

    private void startSubscription(String threadPrefix) {
        String header = config.subscriptionHeader() == null || config.subscriptionHeader().value() == null
                || config.subscriptionHeader().value().isBlank()
                ? generatedHeader() : config.subscriptionHeader().value();
        TlsConfig tls = config.listenerTls();
        String endpoint = config.subscriptionEndpoint();
        if (endpoint == null) {
            endpoint = (tls.enabled() ? "https://" : "http://") + localHostName() + ":" + config.listenerPort()
                    + FhirSourceConnectorConfig.DEFAULT_WEBHOOK_PATH;
            LOG.warn("Connector {}: no {} configured; the server will call {}", connectorName,
                    FhirSourceConnectorConfig.SUBSCRIPTION_ENDPOINT, endpoint);
        }
        String path = URI.create(endpoint).getRawPath();
        Map<String, TypeStream> subscribed = new LinkedHashMap<>();
        for (String type : config.subscriptionTypes()) {
            if (streams.containsKey(type)) {
                subscribed.put(type, streams.get(type));
            }
        }
        try {
            SSLContext context = tls.enabled() ? tls.serverContext() : null;
            NotificationListener.Settings settings = new NotificationListener.Settings(
                    new InetSocketAddress(config.listenerBindAddress(), config.listenerPort()), context,
                    context == null ? null : tls.serverParameters(context), path == null ? "" : path, header,
                    config.ackTimeoutMs(), config.listenerHeaderTimeoutMs(), config.listenerBodyTimeoutMs(),
                    config.listenerMaxConnections(), config.listenerMaxConnectionsPerAddress(),
                    config.listenerMaxBodyBytes());
            listener = new NotificationListener(settings, subscribed, this::triggerPoll, acks, metrics, threadPrefix);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConnectException("Cannot open the subscription listener on " + config.listenerBindAddress()
                    + ":" + config.listenerPort() + ": " + e.getMessage(), e);
        }
        listener.start();
        registrar = new SubscriptionRegistrar(client, config.fhirUrl(), connectorName, config.subscriptionCriteria(),
                endpoint, header, config.subscriptionTtlMs(), Clock.systemUTC());
        try {
            registrar.ensure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while registering Subscriptions", e);
        } catch (FhirException e) {
            listener.close();
            throw new ConnectException("Cannot create or update the Subscription resources on "
                    + config.fhirUrl() + ": " + e.getMessage(), e);
        }
        long renewEvery = Math.max(1000, config.subscriptionTtlMs() / 3);
        scheduler.scheduleWithFixedDelay(registrar::renew, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    }

    private void triggerPoll(String type) {
        for (TypePoller poller : pollers) {
            if (type == null ? streams.containsKey(poller.type()) && config.subscriptionTypes().contains(poller.type())
                    : poller.type().equals(type)) {
                poller.trigger();
            }
        }
    }

    private static String generatedHeader() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return "Authorization: Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        errors.rethrow();
        metrics.checkCommits();
        List<SourceRecord> batch = queue.take(config.maxBatchSize(), POLL_WAIT_MS);
        if (batch.isEmpty()) {
            errors.rethrow();
            return null;
        }
        return batch;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (metadata != null) {
            metrics.written();
        }
        acks.committed(record, metadata);
    }

    /** Called by the worker after it committed this task's offsets (never after a failed commit). */
    @Override
    public void commit() {
        metrics.offsetsCommitted();
    }

    @Override
    public void stop() {
        if (bulkLoad != null) {
            bulkLoad.stop();
            bulkThread.interrupt();
        }
        pollers.forEach(TypePoller::stop);
        if (listener != null) {
            listener.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
        acks.failAll();
        if (jmx != null) {
            jmx.close();
        }
        if (scheduler != null) {
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The streams of this task (tests and metrics). */
    Collection<TypeStream> streams() {
        return streams.values();
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
