package com.healthcare.kafka.connect.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
import javax.net.ssl.TrustManagerFactory;

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
import com.healthcare.kafka.connect.fhir.client.Authenticator;
import com.healthcare.kafka.connect.fhir.client.Backoff;
import com.healthcare.kafka.connect.fhir.client.FhirException;
import com.healthcare.kafka.connect.fhir.client.FhirHttpClient;
import com.healthcare.kafka.connect.fhir.client.FhirResponse;
import com.healthcare.kafka.connect.fhir.client.HttpSettings;
import com.healthcare.kafka.connect.fhir.client.OAuth2ClientCredentials;
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
    private final Map<String, TypeStream> streams = new LinkedHashMap<>();
    private final List<TypePoller> pollers = new ArrayList<>();
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
        HttpSettings settings = new HttpSettings(Duration.ofMillis(config.connectTimeoutMs()),
                Duration.ofMillis(config.readTimeoutMs()), config.gzipEnabled(),
                new Backoff(config.retryBackoffMs(), config.retryBackoffMaxMs()), config.retryMaxAttempts(),
                config.concurrentRequests(), clientTls(config));
        httpExecutor = Executors.newCachedThreadPool(daemon(threadPrefix + "-http"));
        java.net.http.HttpClient jdk = FhirHttpClient.newJdkClient(settings, httpExecutor);
        client = new FhirHttpClient(jdk, settings, authenticator(config, jdk, settings), httpExecutor);
        metrics.bind(client, queue, () -> streams.values().stream().map(TypeStream::describe).toList());
        jmx = JmxRegistration.register("healthcare.connect.fhir", "source-task", connectorName, instance, metrics);

        RecordFactory records = new RecordFactory(config.topicPrefix(), config.fhirUrl(), config.errorTopic(),
                config.recordMaxBytes());
        List<Map<String, Object>> partitions = new ArrayList<>();
        types.forEach(t -> partitions.add(records.partition(t)));
        Map<Map<String, Object>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(partitions);
        for (String type : types) {
            Map<String, Object> offset = offsets == null ? null : offsets.get(records.partition(type));
            TypeCursor cursor = TypeCursor.restore(offset, config.since());
            streams.put(type, new TypeStream(type, cursor, records, queue, metrics));
            LOG.info("Connector {}: {} resumes at {}", connectorName, type,
                    cursor.watermarkText() == null ? "the beginning" : cursor.watermarkText());
        }

        scheduler = new ScheduledThreadPoolExecutor(Math.max(1, Math.min(types.size(), config.concurrentRequests())),
                daemon(threadPrefix + "-poll"));
        ((ScheduledThreadPoolExecutor) scheduler).setRemoveOnCancelPolicy(true);
        for (String type : types) {
            PollSettings ps = new PollSettings(config.fhirUrl(), config.pageSize(),
                    config.queryParameters().forType(type), config.deletesEnabled(), config.pollIntervalMs(),
                    config.retryBackoffMaxMs());
            pollers.add(new TypePoller(streams.get(type), client, ps, scheduler, httpExecutor, errors, metrics));
        }

        if (hostsListener) {
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

    private static Authenticator authenticator(FhirSourceConnectorConfig config, java.net.http.HttpClient jdk,
                                               HttpSettings settings) {
        switch (config.authType()) {
            case FhirSourceConnectorConfig.AUTH_BASIC -> {
                String pair = config.basicUsername() + ":" + config.basicPassword().value();
                return Authenticator.fixed("Basic " + Base64.getEncoder().encodeToString(
                        pair.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        "basic credentials of user '" + config.basicUsername() + "' were refused");
            }
            case FhirSourceConnectorConfig.AUTH_BEARER -> {
                return Authenticator.fixed("Bearer " + config.bearerToken().value().trim(),
                        "the configured bearer token (fhir.auth.bearer.token) was refused; it may have expired");
            }
            case FhirSourceConnectorConfig.AUTH_OAUTH2 -> {
                return new OAuth2ClientCredentials(jdk, settings, config.oauthTokenEndpoint(), config.oauthClientId(),
                        config.oauthClientSecret().value(), config.oauthScope(), config.oauthClientSecretPost(),
                        Clock.systemUTC());
            }
            default -> {
                return Authenticator.none();
            }
        }
    }

    private static SSLContext clientTls(FhirSourceConnectorConfig config) {
        if (config.truststoreLocation() == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(config.truststoreLocation()))) {
            KeyStore store = KeyStore.getInstance(config.truststoreType());
            store.load(in, config.truststorePassword() == null ? null
                    : config.truststorePassword().value().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConnectException("Cannot load " + FhirSourceConnectorConfig.TRUSTSTORE_LOCATION + " "
                    + config.truststoreLocation() + ": " + e.getMessage(), e);
        }
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
