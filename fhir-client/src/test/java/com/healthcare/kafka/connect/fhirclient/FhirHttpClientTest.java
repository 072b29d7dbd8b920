package com.healthcare.kafka.connect.fhirclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The retry, auth and error rules of the client against a real (JDK) HTTP server on loopback. */
class FhirHttpClientTest {

    record Reply(int status, String retryAfter, String body, long delayMs) {
    }

    private HttpServer server;
    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private ExecutorService executor;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/fhir", this::fhir);
        server.createContext("/token", this::token);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        executor = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void fhir(HttpExchange exchange) throws IOException {
        arrivals.add(System.nanoTime());
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        Reply reply;
        synchronized (replies) {
            reply = replies.isEmpty() ? new Reply(200, null, "{\"resourceType\":\"Bundle\"}", 0) : replies.poll();
        }
        if (reply.delayMs() > 0) {
            try {
                Thread.sleep(reply.delayMs());
            } catch (InterruptedException e) {
                return;
            }
        }
        if (reply.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        boolean gzip = "gzip".equals(exchange.getRequestHeaders().getFirst("Accept-Encoding")) && reply.status() == 200;
        if (gzip) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
                out.write(body);
            }
            body = bytes.toByteArray();
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        int n = tokenRequests.incrementAndGet();
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] body;
        int status;
        if (!("Basic " + java.util.Base64.getEncoder().encodeToString("id:secret".getBytes())).equals(basic)) {
            status = 401;
            body = "{\"error\":\"invalid_client\",\"error_description\":\"bad secret\"}".getBytes();
        } else {
            status = 200;
            body = ("{\"access_token\":\"t" + n + "\",\"token_type\":\"bearer\",\"expires_in\":3600}").getBytes();
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private FhirHttpClient client(Authenticator auth, int retries) {
        return client(auth, retries, Duration.ofMillis(800));
    }

    private FhirHttpClient client(Authenticator auth, int retries, Duration readTimeout) {
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(2), readTimeout, true,
                new Backoff(20, 200), retries, 2, null);
        return new FhirHttpClient(FhirHttpClient.newJdkClient(settings, executor), settings, auth, executor);
    }

    private void enqueue(Reply... r) {
        synchronized (replies) {
            replies.addAll(List.of(r));
        }
    }

    @Test
    void retryAfterIsHonouredOn429And503() throws Exception {
        enqueue(new Reply(429, "1", "", 0), new Reply(503, "0", "", 0), new Reply(200, null,
                "{\"resourceType\":\"Bundle\",\"id\":\"ok\"}", 0));
        FhirResponse response = client(Authenticator.none(), 5).get(base + "/fhir/Patient");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"ok\"");
        assertThat(arrivals).hasSize(3);
        assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void serverErrorsAndTimeoutsAreRetriedThenReportedAsTransient() throws Exception {
        enqueue(new Reply(500, null, "boom", 0), new Reply(200, null, "{}", 2000), new Reply(502, null, "", 0));
        FhirHttpClient client = client(Authenticator.none(), 2);
        assertThatThrownBy(() -> client.get(base + "/fhir/Patient"))
                .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.transientFailure()).isTrue())
                .hasMessageContaining("failed 3 time(s)").hasMessageContaining("HTTP 502");
        assertThat(client.retries()).isEqualTo(2);
    }

    @Test
    void aClientErrorFailsAtOnceWithTheOperationOutcome() {
        enqueue(new Reply(400, null, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"invalid\",\"diagnostics\":\"Unknown search parameter 'foo'\","
                + "\"expression\":[\"Patient.foo\"]}]}", 0));
        // a generous read timeout: on a loaded machine a timed-out first attempt would be retried
        assertThatThrownBy(() -> client(Authenticator.none(), 5, Duration.ofSeconds(30))
                .get(base + "/fhir/Patient?foo=1"))
                .isInstanceOfSatisfying(FhirException.class, e -> {
                    assertThat(e.transientFailure()).isFalse();
                    assertThat(e.status()).isEqualTo(400);
                })
                .hasMessageContaining("HTTP 400 OperationOutcome: error invalid: Unknown search parameter 'foo' "
                        + "[Patient.foo]");
        assertThat(arrivals).hasSize(1);
    }

    @Test
    void oauthTokenIsCachedAndRefreshedOnceAfterA401() throws Exception {
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), false,
                new Backoff(20, 200), 3, 2, null);
        java.net.http.HttpClient jdk = FhirHttpClient.newJdkClient(settings, executor);
        OAuth2ClientCredentials oauth = new OAuth2ClientCredentials(jdk, settings, base + "/token", "id", "secret",
                "system/*.read", false, Clock.systemUTC());
        FhirHttpClient client = new FhirHttpClient(jdk, settings, oauth, executor);
        client.get(base + "/fhir/a");
        client.get(base + "/fhir/b");
        assertThat(tokenRequests).hasValue(1);
        enqueue(new Reply(401, null, "", 0));
        client.get(base + "/fhir/c");
        assertThat(tokenRequests).hasValue(2);
        assertThat(authorizations).containsExactly("Bearer t1", "Bearer t1", "Bearer t1", "Bearer t2");
        enqueue(new Reply(401, null, "", 0), new Reply(401, null, "", 0));
        assertThatThrownBy(() -> client.get(base + "/fhir/d")).isInstanceOf(FhirException.class)
                .hasMessageContaining("401").hasMessageContaining("refused even after a refresh");
    }

    @Test
    void oauthTokenIsRefreshedBeforeItExpires() throws Exception {
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), false,
                new Backoff(20, 200), 3, 2, null);
        java.net.http.HttpClient jdk = FhirHttpClient.newJdkClient(settings, executor);
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2024-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        OAuth2ClientCredentials oauth = new OAuth2ClientCredentials(jdk, settings, base + "/token", "id", "secret",
                null, false, clock);
        assertThat(oauth.authorization()).isEqualTo("Bearer t1");
        now.set(now.get().plusSeconds(3530));
        assertThat(oauth.authorization()).isEqualTo("Bearer t1");
        now.set(now.get().plusSeconds(20)); // inside the last minute of the hour
        assertThat(oauth.authorization()).isEqualTo("Bearer t2");
    }

    @Test
    void aRefusedClientSecretIsReadable() {
        HttpSettings settings = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), false,
                new Backoff(20, 200), 3, 2, null);
        java.net.http.HttpClient jdk = FhirHttpClient.newJdkClient(settings, executor);
        OAuth2ClientCredentials oauth = new OAuth2ClientCredentials(jdk, settings, base + "/token", "id", "wrong",
                null, false, Clock.systemUTC());
        assertThatThrownBy(oauth::authorization).isInstanceOf(FhirException.class)
                .hasMessageContaining("invalid_client: bad secret").hasMessageNotContaining("wrong");
    }

    @Test
    void retryAfterParsing() {
        assertThat(FhirHttpClient.retryAfterMs("3")).isEqualTo(3000);
        assertThat(FhirHttpClient.retryAfterMs("100000")).isEqualTo(FhirHttpClient.MAX_RETRY_AFTER_MS);
        assertThat(FhirHttpClient.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
        assertThat(FhirHttpClient.retryAfterMs("soon")).isNull();
    }
}
