package com.healthcare.kafka.connect.fhir.subscription;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.fhirclient.BundleReader;
import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhir.poll.TaskMetrics;
import com.healthcare.kafka.connect.fhir.poll.TypeStream;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * The rest-hook endpoint, on the JDK's own HTTP server (the plugin must bring what it needs; the worker's Jetty is
 * not visible to plugins). Every request must carry the secret header (401 otherwise). Then:
 * <ul>
 *   <li>{@code PUT [path]/[type]/[id]} (HAPI's full-resource delivery) or a POST with a resource or Bundle: each
 *   resource becomes a record unless polling already emitted it; the answer is 200 only once every record has been
 *   written to Kafka ({@code commitRecord} with metadata), 500 if the worker dropped one, 503 on timeout;</li>
 *   <li>a POST without a body (R4 "empty" payload), a DELETE, or a resource without {@code meta.lastUpdated}:
 *   an immediate poll of the type(s), answered 200 at once (the poll works from the durable watermark, so an
 *   early 200 loses nothing).</li>
 * </ul>
 */
public final class NotificationListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
    private static final int MAX_BODY = 32 * 1024 * 1024;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final String basePath;
    private final String headerName;
    private final byte[] headerValue;
    private final Map<String, TypeStream> streams;
    private final Consumer<String> triggerPoll;
    private final PendingAcks acks;
    private final long ackTimeoutMs;
    private final TaskMetrics metrics;

    /**
     * @param basePath    the path of the channel endpoint ("" for the root)
     * @param triggerPoll called with a resource type, or null for every subscribed type
     */
    public NotificationListener(InetSocketAddress bind, SSLContext tls, SSLParameters tlsParameters, String basePath,
                                String header, Map<String, TypeStream> streams, Consumer<String> triggerPoll,
                                PendingAcks acks, long ackTimeoutMs, TaskMetrics metrics, String threadPrefix)
            throws IOException {
        int colon = header.indexOf(':');
        this.headerName = header.substring(0, colon).trim();
        this.headerValue = header.substring(colon + 1).trim().getBytes(StandardCharsets.UTF_8);
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        this.streams = streams;
        this.triggerPoll = triggerPoll;
        this.acks = acks;
        this.ackTimeoutMs = ackTimeoutMs;
        this.metrics = metrics;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(bind, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    params.setSSLParameters(tlsParameters);
                }
            });
            this.server = https;
        } else {
            this.server = HttpServer.create(bind, 64);
        }
        // a notification holds its thread until Kafka acknowledges; when all are busy the dispatcher itself waits
        this.executor = new ThreadPoolExecutor(2, 16, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, threadPrefix + "-webhook");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        acks.failAll();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!(path.equals(basePath) || path.startsWith(basePath + "/") || (basePath.isEmpty()))) {
                respond(exchange, 404, "error", "not-found", "No notification endpoint at this path");
                return;
            }
            if (!authorized(exchange)) {
                metrics.notificationsRejected.incrementAndGet();
                LOG.warn("Rejected a notification from {} without the expected {} header",
                        exchange.getRemoteAddress().getAddress().getHostAddress(), headerName);
                respond(exchange, 401, "error", "security", "Missing or wrong " + headerName + " header");
                return;
            }
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String pathType = typeFromPath(path);
            switch (method) {
                case "POST", "PUT" -> handleBody(exchange, pathType);
                case "DELETE" -> {
                    triggerPoll.accept(pathType != null && streams.containsKey(pathType) ? pathType : null);
                    metrics.notificationsAccepted.incrementAndGet();
                    respond(exchange, 200, "information", "informational", "Delete noted; polling now");
                }
                default -> respond(exchange, 405, "error", "not-supported", "Use POST or PUT");
            }
        } catch (RuntimeException e) {
            LOG.warn("Notification handling failed: {}", e.toString());
        }
    }

    private void handleBody(HttpExchange exchange, String pathType) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            respond(exchange, 413, "error", "too-costly", "Notification body too large");
            return;
        }
        if (isBlank(body)) {
            // R4 "empty" payload: something matching the criteria changed; fetch it from the watermark
            triggerPoll.accept(null);
            metrics.notificationsAccepted.incrementAndGet();
            respond(exchange, 200, "information", "informational", "Polling now");
            return;
        }
        BundleReader.Page page;
        try {
            page = BundleReader.read(body, "Notification");
        } catch (FhirException e) {
            respond(exchange, 400, "error", "structure", "The body is not FHIR JSON");
            return;
        }
        List<BundleReader.ResourceInfo> resources = new ArrayList<>();
        for (BundleReader.Entry entry : page.entries()) {
            if (entry.resource() != null) {
                resources.add(entry.resource());
            }
        }
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        List<SourceRecord> records = new ArrayList<>();
        try {
            for (BundleReader.ResourceInfo r : resources) {
                TypeStream stream = streams.get(r.resourceType());
                if (stream == null || r.id() == null) {
                    respond(exchange, 422, "error", "not-supported", "Resource type " + r.resourceType()
                            + " is not streamed by this connector task");
                    return;
                }
                TypeStream.NotificationOutcome outcome = stream.notification(r, page.json(r), record -> {
                    records.add(record);
                    waits.add(acks.register(record));
                });
                if (outcome.record() == null && "no meta.lastUpdated".equals(outcome.reason())) {
                    triggerPoll.accept(r.resourceType());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "error", "transient", "Connector task is stopping");
            return;
        }
        int status = awaitAll(records, waits);
        if (status == 200) {
            metrics.notificationsAccepted.incrementAndGet();
            respond(exchange, 200, "information", "informational", "Written to Kafka");
        } else if (status == 500) {
            respond(exchange, 500, "error", "exception", "The worker did not write the record to Kafka (dropped or "
                    + "filtered)");
        } else {
            respond(exchange, 503, "error", "transient", "Not yet written to Kafka; retry later");
        }
    }

    private int awaitAll(List<SourceRecord> records, List<CompletableFuture<Boolean>> waits) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
        int status = 200;
        for (int i = 0; i < waits.size(); i++) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!waits.get(i).get(left, TimeUnit.NANOSECONDS)) {
                    status = Math.max(status, 500);
                }
            } catch (TimeoutException e) {
                acks.forget(records.get(i));
                status = 503;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 503;
            } catch (ExecutionException e) {
                status = 503;
            }
        }
        return status;
    }

    private boolean authorized(HttpExchange exchange) {
        List<String> values = exchange.getRequestHeaders().get(headerName);
        if (values == null || values.size() != 1) {
            return false;
        }
        return MessageDigest.isEqual(headerValue, values.get(0).trim().getBytes(StandardCharsets.UTF_8));
    }

    private String typeFromPath(String path) {
        String rest = path.substring(Math.min(basePath.length(), path.length()));
        for (String segment : rest.split("/")) {
            if (!segment.isEmpty()) {
                return segment;
            }
        }
        return null;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static void respond(HttpExchange exchange, int status, String severity, String code, String text)
            throws IOException {
        String json = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"" + severity
                + "\",\"code\":\"" + code + "\",\"diagnostics\":\"" + text.replace("\"", "'") + "\"}]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
