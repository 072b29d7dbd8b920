package com.healthcare.kafka.connect.fhirclient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's HTTP client for the FHIR REST API, on {@code java.net.http} (no extra dependency, HTTP/1.1
 * keep-alive pooling, asynchronous I/O). Chosen over HAPI's generic client because the connector never needs
 * HAPI's object model: bundles are read by a streaming parser that hands each resource's JSON on verbatim, and
 * Retry-After, token refresh and timeouts are under our control.
 *
 * <p>Every request: at most {@code maxInFlight} at once; a whole-response timeout; 401 -> refresh an OAuth2 token
 * and retry once; 429/503 -> wait as Retry-After says (or back off); 408/5xx/I/O errors -> exponential backoff with
 * jitter; other 4xx -> {@link FhirException} with the OperationOutcome made readable. Waits are plain
 * interruptible sleeps, so a stopping task never hangs on them.
 */
public final class FhirHttpClient {

    private static final Logger LOG = LoggerFactory.getLogger(FhirHttpClient.class);
    /** Upper bound for a server's Retry-After, against absurd values. */
    static final long MAX_RETRY_AFTER_MS = 15 * 60_000L;

    public static final String FHIR_JSON = "application/fhir+json";

    private final HttpClient http;
    private final HttpSettings settings;
    private final Authenticator auth;
    private final Semaphore inFlight;
    private final ExecutorService executor;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    public FhirHttpClient(HttpClient http, HttpSettings settings, Authenticator auth, ExecutorService executor) {
        this.http = http;
        this.settings = settings;
        this.auth = auth;
        this.inFlight = new Semaphore(settings.maxInFlight(), true);
        this.executor = executor;
    }

    /** A JDK client with the task's connect timeout, TLS context and executor, speaking HTTP/1.1. */
    public static HttpClient newJdkClient(HttpSettings settings, ExecutorService executor) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
        if (settings.sslContext() != null) {
            builder.sslContext(settings.sslContext());
        }
        return builder.build();
    }

    public HttpClient jdkClient() {
        return http;
    }

    /** GET with Accept: application/fhir+json. */
    public FhirResponse get(String url) throws InterruptedException {
        return send("GET", url, null, null);
    }

    /**
     * Sends a request with retries as described on the class.
     *
     * @param body        request body or null
     * @param contentType content type of the body
     */
    public FhirResponse send(String method, String url, byte[] body, String contentType) throws InterruptedException {
        return send(method, url, body, contentType, Map.of());
    }

    /**
     * Sends a request with retries as described on the class, with extra request headers (e.g. If-None-Exist,
     * Prefer).
     */
    public FhirResponse send(String method, String url, byte[] body, String contentType, Map<String, String> headers)
            throws InterruptedException {
        HttpResponse<byte[]> response = exchange(method, url, body, contentType, headers, true, FHIR_JSON,
                HttpResponse.BodyHandlers.ofByteArray(), FhirHttpClient::decodeQuietly);
        return new FhirResponse(response.statusCode(), response.headers(), decode(response));
    }

    /**
     * GET of a large body read as a stream (Bulk Data NDJSON files), decompressed when gzipped: retried as
     * {@link #send} until the status line arrives; the caller reads and closes the stream. With
     * {@code authenticate} false no Authorization header is sent (Bulk Data files with requiresAccessToken=false
     * may live on storage that rejects one).
     */
    public InputStream getStream(String url, String accept, boolean authenticate) throws InterruptedException {
        HttpResponse<InputStream> response = exchange("GET", url, null, null, Map.of(), authenticate, accept,
                HttpResponse.BodyHandlers.ofInputStream(), r -> {
                    try (InputStream in = r.body()) {
                        return in.readNBytes(64 * 1024);
                    } catch (IOException e) {
                        return new byte[0];
                    }
                });
        String encoding = response.headers().firstValue("Content-Encoding").orElse("");
        if (!encoding.toLowerCase().contains("gzip")) {
            return response.body();
        }
        try {
            return new GZIPInputStream(response.body(), 64 * 1024);
        } catch (IOException e) {
            throw new FhirException("Cannot decompress " + url + ": " + e.getMessage(), response.statusCode(), true,
                    e);
        }
    }

    /** One request with the retries described on the class; returns the 2xx response. */
    private <T> HttpResponse<T> exchange(String method, String url, byte[] body, String contentType,
                                         Map<String, String> headers, boolean authenticate, String accept,
                                         HttpResponse.BodyHandler<T> handler,
                                         java.util.function.Function<HttpResponse<T>, byte[]> errorBody)
            throws InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new FhirException("Not a valid URL: " + url + " (" + e.getMessage() + ")", 0, false, e);
        }
        boolean refreshed = false;
        String lastProblem = null;
        int lastStatus = 0;
        for (int attempt = 0; ; ) {
            String authorization = authenticate ? auth.authorization() : null;
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .timeout(settings.readTimeout())
                    .header("Accept", accept)
                    // HAPI JPA would otherwise answer a repeated search from its result cache
                    .header("Cache-Control", "no-cache");
            if (settings.gzip()) {
                builder.header("Accept-Encoding", "gzip");
            }
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            headers.forEach(builder::header);
            if (body != null) {
                builder.header("Content-Type", contentType == null ? FHIR_JSON : contentType);
                builder.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            } else {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            }

            HttpResponse<T> response = null;
            long waitMs;
            inFlight.acquire();
            try {
                requests.incrementAndGet();
                CompletableFuture<HttpResponse<T>> future = http.sendAsync(builder.build(), handler);
                try {
                    response = future.get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    lastProblem = "no complete response within " + settings.readTimeout().toMillis() + " ms";
                } catch (ExecutionException e) {
                    lastProblem = describe(e.getCause());
                } catch (InterruptedException e) {
                    future.cancel(true);
                    throw e;
                }
            } finally {
                inFlight.release();
            }

            if (response != null) {
                int status = response.statusCode();
                lastStatus = status;
                if (status / 100 == 2) {
                    return response;
                }
                byte[] problemBody = errorBody.apply(response);
                if (status == 401 && authenticate && !refreshed && auth.invalidate(authorization)) {
                    refreshed = true;
                    LOG.info("{} {} answered 401; refreshing the access token and retrying once", method, uri);
                    continue;
                }
                if (status == 401 || status == 403) {
                    throw new FhirException(method + " " + uri + " -> HTTP " + status + " "
                            + OperationOutcomes.summarize(problemBody) + "; " + auth.describe(), status, false);
                }
                lastProblem = "HTTP " + status + " " + OperationOutcomes.summarize(problemBody);
                if (status == 429 || status == 503) {
                    throttled.incrementAndGet();
                    Long retryAfter = retryAfterMs(response.headers().firstValue("Retry-After").orElse(null));
                    waitMs = retryAfter != null ? retryAfter : settings.backoff().delayMs(attempt);
                } else if (status == 408 || status / 100 == 5) {
                    waitMs = settings.backoff().delayMs(attempt);
                } else {
                    throw new FhirException(method + " " + uri + " -> " + lastProblem, status, false);
                }
            } else {
                lastStatus = 0;
                waitMs = settings.backoff().delayMs(attempt);
            }

            if (attempt >= settings.maxRetries()) {
                throw new FhirException(method + " " + uri + " failed " + (attempt + 1) + " time(s); last: "
                        + lastProblem, lastStatus, true);
            }
            attempt++;
            retries.incrementAndGet();
            LOG.warn("{} {} failed ({}); retry {} of {} in {} ms", method, uri, lastProblem, attempt,
                    settings.maxRetries(), waitMs);
            Thread.sleep(waitMs);
        }
    }

    /** Retry-After as delay-seconds or an HTTP-date; null when absent or unreadable. */
    static Long retryAfterMs(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return Math.min(Math.max(0, seconds) * 1000, MAX_RETRY_AFTER_MS);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                long ms = Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis();
                return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static byte[] decode(HttpResponse<byte[]> response) {
        try {
            return gunzipIfNeeded(response);
        } catch (IOException e) {
            throw new FhirException("Cannot decompress the response of " + response.uri() + ": " + e.getMessage(),
                    response.statusCode(), true, e);
        }
    }

    private static byte[] decodeQuietly(HttpResponse<byte[]> response) {
        try {
            return gunzipIfNeeded(response);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static byte[] gunzipIfNeeded(HttpResponse<byte[]> response) throws IOException {
        byte[] body = response.body();
        String encoding = response.headers().firstValue("Content-Encoding").orElse("");
        if (body == null || body.length == 0 || !encoding.toLowerCase().contains("gzip")) {
            return body == null ? new byte[0] : body;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024)) {
            return in.readAllBytes();
        }
    }

    public long requests() {
        return requests.get();
    }

    public long retries() {
        return retries.get();
    }

    public long throttled() {
        return throttled.get();
    }

    /** Stops the client's executor; in-flight requests fail. */
    public void close() {
        executor.shutdownNow();
    }
}
