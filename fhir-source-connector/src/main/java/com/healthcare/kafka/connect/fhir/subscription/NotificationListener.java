package com.healthcare.kafka.connect.fhir.subscription;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.fhir.client.BundleReader;
import com.healthcare.kafka.connect.fhir.client.FhirException;
import com.healthcare.kafka.connect.fhir.poll.TaskMetrics;
import com.healthcare.kafka.connect.fhir.poll.TypeStream;
import com.healthcare.kafka.connect.fhir.subscription.WebhookServer.Head;
import com.healthcare.kafka.connect.fhir.subscription.WebhookServer.Response;

/**
 * The rest-hook endpoint, on {@link WebhookServer} (deadlines, connection limits, the secret checked before the
 * body is read). Every request must carry the secret header (401 otherwise). Then:
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
    private static final long WARN_EVERY_MS = 10_000;

    /**
     * Where and how the listener runs.
     *
     * @param basePath the path of the channel endpoint ("" for the root)
     * @param header   the secret header, "Name: value"
     */
    public record Settings(InetSocketAddress bind, SSLContext tls, SSLParameters tlsParameters, String basePath,
                           String header, long ackTimeoutMs, long headerTimeoutMs, long bodyTimeoutMs,
                           int maxConnections, int maxConnectionsPerAddress, int maxBodyBytes) {
    }

    private final WebhookServer server;
    private final WebhookServer.Counters counters = new WebhookServer.Counters();
    private final String basePath;
    private final String headerName;
    private final byte[] headerValue;
    private final Map<String, TypeStream> streams;
    private final Consumer<String> triggerPoll;
    private final PendingAcks acks;
    private final long ackTimeoutMs;
    private final TaskMetrics metrics;
    private long lastRejectionWarning;
    private long rejectionsSinceWarning;

    /**
     * @param triggerPoll called with a resource type, or null for every subscribed type
     */
    public NotificationListener(Settings settings, Map<String, TypeStream> streams, Consumer<String> triggerPoll,
                                PendingAcks acks, TaskMetrics metrics, String threadPrefix) throws IOException {
        String header = settings.header();
        int colon = header.indexOf(':');
        this.headerName = header.substring(0, colon).trim();
        this.headerValue = header.substring(colon + 1).trim().getBytes(StandardCharsets.UTF_8);
        String basePath = settings.basePath();
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        this.streams = streams;
        this.triggerPoll = triggerPoll;
        this.acks = acks;
        this.ackTimeoutMs = settings.ackTimeoutMs();
        this.metrics = metrics;
        WebhookServer.Limits limits = new WebhookServer.Limits(settings.headerTimeoutMs(), settings.bodyTimeoutMs(),
                settings.maxConnections(), settings.maxConnectionsPerAddress(), settings.maxBodyBytes());
        this.server = new WebhookServer(settings.bind(), settings.tls(), settings.tlsParameters(), limits,
                new WebhookServer.Handler() {
                    @Override
                    public Response precheck(Head head) {
                        return NotificationListener.this.precheck(head);
                    }

                    @Override
                    public Response handle(Head head, byte[] body) {
                        return NotificationListener.this.handle(head, body);
                    }
                }, counters, threadPrefix);
        metrics.bindListener(counters.refusedConnections::get, counters.timedOut::get, counters.malformed::get);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        acks.failAll();
        server.close();
    }

    /** Path, secret and method, before a byte of the body is read. */
    private Response precheck(Head head) {
        String path = head.path();
        if (!(path.equals(basePath) || path.startsWith(basePath + "/") || basePath.isEmpty())) {
            return response(404, "error", "not-found", "No notification endpoint at this path");
        }
        if (!authorized(head)) {
            metrics.notificationsRejected.incrementAndGet();
            warnRejected(head);
            return response(401, "error", "security", "Missing or wrong " + headerName + " header");
        }
        return switch (head.method()) {
            case "POST", "PUT", "DELETE" -> null;
            default -> response(405, "error", "not-supported", "Use POST or PUT");
        };
    }

    private Response handle(Head head, byte[] body) {
        String pathType = typeFromPath(head.path());
        if ("DELETE".equals(head.method())) {
            triggerPoll.accept(pathType != null && streams.containsKey(pathType) ? pathType : null);
            metrics.notificationsAccepted.incrementAndGet();
            return response(200, "information", "informational", "Delete noted; polling now");
        }
        return handleBody(body);
    }

    private Response handleBody(byte[] body) {
        if (isBlank(body)) {
            // R4 "empty" payload: something matching the criteria changed; fetch it from the watermark
            triggerPoll.accept(null);
            metrics.notificationsAccepted.incrementAndGet();
            return response(200, "information", "informational", "Polling now");
        }
        BundleReader.Page page;
        try {
            page = BundleReader.read(body, "Notification");
        } catch (FhirException e) {
            return response(400, "error", "structure", "The body is not FHIR JSON");
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
                    return response(422, "error", "not-supported", "Resource type " + r.resourceType()
                            + " is not streamed by this connector task");
                }
                TypeStream.NotificationOutcome outcome = stream.notification(r, page.json(r), record -> {
                    records.add(record);
                    waits.add(acks.register(record));
                });
                if (outcome.record() == null && "no meta.lastUpdated".equals(outcome.reason())) {
                    triggerPoll.accept(r.resourceType());
                }
                if (outcome.pollSoon()) {
                    // many notified resources wait for the search to pass them: let it, so the offset stays small
                    triggerPoll.accept(r.resourceType());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response(503, "error", "transient", "Connector task is stopping");
        }
        int status = awaitAll(records, waits);
        if (status == 200) {
            metrics.notificationsAccepted.incrementAndGet();
            return response(200, "information", "informational", "Written to Kafka");
        } else if (status == 500) {
            return response(500, "error", "exception", "The worker did not write the record to Kafka (dropped or "
                    + "filtered)");
        }
        return response(503, "error", "transient", "Not yet written to Kafka; retry later");
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

    private boolean authorized(Head head) {
        List<String> values = head.headers().get(headerName.toLowerCase(java.util.Locale.ROOT));
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

    private static Response response(int status, String severity, String code, String text) {
        return new Response(status, WebhookServer.outcome(severity, code, text));
    }

    /** One WARN per ten seconds at most: a flood of forged requests must not flood the log. */
    private synchronized void warnRejected(Head head) {
        long now = System.currentTimeMillis();
        if (now - lastRejectionWarning < WARN_EVERY_MS) {
            rejectionsSinceWarning++;
            return;
        }
        LOG.warn("Rejected a notification from {} without the expected {} header{}",
                head.remote().getHostAddress(), headerName, rejectionsSinceWarning == 0 ? ""
                        : " (" + rejectionsSinceWarning + " more rejected since the last warning)");
        lastRejectionWarning = now;
        rejectionsSinceWarning = 0;
    }
}
