package com.healthcare.kafka.connect.it.fhir.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A real HAPI FHIR 8 {@link RestfulServer} (with {@link FifoMemoryPagingProvider}) on the Connect runtime's Jetty
 * 12 ee10, bound to loopback, backed by {@link ResourceStore}. Around it: a fault filter (429 with Retry-After,
 * 5xx, slow pages, bearer-token checks), a tiny OAuth2 client-credentials token endpoint with short-lived tokens,
 * and rest-hook delivery of Subscription notifications the way HAPI JPA sends them
 * ({@code PUT [endpoint]/[type]/[id]} with the resource, or a body-less POST, plus the channel headers).
 */
public final class FhirTestServer implements AutoCloseable {

    public static final List<Class<? extends Resource>> TYPES = List.of(Patient.class, Observation.class,
            Encounter.class, MedicationRequest.class, Condition.class, Subscription.class);

    private final FhirContext ctx = FhirContext.forR4();
    private final ResourceStore store = new ResourceStore();
    private final Faults faults = new Faults();
    private final OAuth oauth = new OAuth();
    private final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requestLog = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService deliveryExecutor = Executors.newSingleThreadExecutor();
    private final HttpClient deliveryClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Server jetty;
    private final int port;

    /** One notification attempt and the status the connector answered (0: no connection). */
    public record Delivery(String method, String url, String resourceKey, int status) {
    }

    private FhirTestServer() throws Exception {
        RestfulServer restful = new RestfulServer(ctx);
        restful.setDefaultResponseEncoding(EncodingEnum.JSON);
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(2000);
        paging.setDefaultPageSize(50);
        paging.setMaximumPageSize(1000);
        restful.setPagingProvider(paging);
        List<IResourceProvider> providers = new ArrayList<>();
        for (Class<? extends Resource> t : TYPES) {
            providers.add(new StoreResourceProvider(t, store, ctx));
        }
        restful.setResourceProviders(providers);
        store.onWrite(this::deliver);

        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(restful), "/fhir/*");
        context.addServlet(new ServletHolder(new TokenServlet()), "/oauth/token");
        context.addFilter(new FilterHolder(new FaultFilter()), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    public static FhirTestServer start() {
        try {
            return new FhirTestServer();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the test FHIR server", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    public String tokenUrl() {
        return "http://127.0.0.1:" + port + "/oauth/token";
    }

    public ResourceStore store() {
        return store;
    }

    public Faults faults() {
        return faults;
    }

    public OAuth oauth() {
        return oauth;
    }

    public FhirContext context() {
        return ctx;
    }

    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    public List<String> requestLog() {
        synchronized (requestLog) {
            return List.copyOf(requestLog);
        }
    }

    @Override
    public void close() {
        deliveryExecutor.shutdownNow();
        try {
            jetty.stop();
        } catch (Exception e) {
            // best effort
        }
    }

    // ------------------------------------------------------------------ subscriptions

    private void deliver(ResourceStore.Version v) {
        if (v.deleted() || v.type().equals("Subscription")) {
            return;
        }
        for (ResourceStore.Version s : store.search("Subscription", null, r -> true)) {
            Subscription sub = (Subscription) s.resource();
            if (sub.getStatus() == Subscription.SubscriptionStatus.OFF
                    || sub.getStatus() == Subscription.SubscriptionStatus.ERROR
                    || (sub.getEnd() != null && sub.getEnd().toInstant().isBefore(Instant.now()))
                    || !matches(sub.getCriteria(), v)) {
                continue;
            }
            String endpoint = sub.getChannel().getEndpoint();
            boolean fullResource = sub.getChannel().hasPayload();
            List<String> headers = new ArrayList<>();
            for (StringType h : sub.getChannel().getHeader()) {
                headers.add(h.getValue());
            }
            String body = fullResource ? ctx.newJsonParser().encodeResourceToString(v.resource()) : null;
            deliveryExecutor.execute(() -> send(endpoint, headers, v, body));
        }
    }

    private void send(String endpoint, List<String> headers, ResourceStore.Version v, String body) {
        String url = body == null ? endpoint : endpoint + "/" + v.type() + "/" + v.id();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        for (String h : headers) {
            int colon = h.indexOf(':');
            request.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/fhir+json; charset=UTF-8");
            request.PUT(HttpRequest.BodyPublishers.ofString(body));
        }
        int status;
        try {
            status = deliveryClient.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        deliveries.add(new Delivery(body == null ? "POST" : "PUT", url, v.key(), status));
    }

    /** Criteria of the form Type or Type?param=value&...; understood params: status (others ignored). */
    private boolean matches(String criteria, ResourceStore.Version v) {
        int q = criteria.indexOf('?');
        String type = q < 0 ? criteria : criteria.substring(0, q);
        if (!type.equals(v.type())) {
            return false;
        }
        if (q < 0) {
            return true;
        }
        for (String pair : criteria.substring(q + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2 && kv[0].equals("status")) {
                Object status = ctx.newTerser().getSinglePrimitiveValueOrNull(v.resource(), "status");
                if (!kv[1].equals(status)) {
                    return false;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ faults and auth

    /** Knobs of the fault filter; all off by default. */
    public static final class Faults {
        public volatile int throttleEvery;
        public volatile int retryAfterSeconds = 1;
        public volatile int failEvery;
        public volatile int failStatus = 500;
        public volatile long pageDelayMs;
        public volatile boolean requireAuth;
        public volatile boolean onlyGets = true;
        final AtomicLong requests = new AtomicLong();
        public final AtomicInteger throttled = new AtomicInteger();
        public final AtomicInteger failed = new AtomicInteger();
        public final AtomicInteger unauthorized = new AtomicInteger();

        public void reset() {
            throttleEvery = 0;
            failEvery = 0;
            pageDelayMs = 0;
            requireAuth = false;
            retryAfterSeconds = 1;
            failStatus = 500;
        }

        public long requests() {
            return requests.get();
        }
    }

    /** Client credentials and the tokens handed out; tokens live {@link #lifetimeSeconds}. */
    public static final class OAuth {
        public volatile String clientId = "connect";
        public volatile String clientSecret = "s3cret";
        /** How long tokens really live on the server. */
        public volatile int lifetimeSeconds = 3600;
        /** What expires_in tells the client (0: the real lifetime); lower real lifetime forces 401s. */
        public volatile int advertisedSeconds;
        public final Set<String> staticTokens = ConcurrentHashMap.newKeySet();
        final Map<String, Instant> tokens = new ConcurrentHashMap<>();
        public final AtomicInteger issued = new AtomicInteger();

        boolean valid(String authorization) {
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                return false;
            }
            String token = authorization.substring(7).trim();
            if (staticTokens.contains(token)) {
                return true;
            }
            Instant expiry = tokens.get(token);
            return expiry != null && Instant.now().isBefore(expiry);
        }
    }

    private final class FaultFilter implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            String uri = request.getRequestURI() + (request.getQueryString() == null ? "" : "?"
                    + request.getQueryString());
            requestLog.add(request.getMethod() + " " + uri);
            if (faults.requireAuth && !oauth.valid(request.getHeader("Authorization"))) {
                faults.unauthorized.incrementAndGet();
                response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                outcome(response, 401, "login", "Token missing or expired");
                return;
            }
            if (!faults.onlyGets || "GET".equals(request.getMethod())) {
                long n = faults.requests.incrementAndGet();
                if (faults.throttleEvery > 0 && n % faults.throttleEvery == 0) {
                    faults.throttled.incrementAndGet();
                    response.setHeader("Retry-After", String.valueOf(faults.retryAfterSeconds));
                    outcome(response, 429, "throttled", "Too many requests");
                    return;
                }
                if (faults.failEvery > 0 && n % faults.failEvery == 0) {
                    faults.failed.incrementAndGet();
                    outcome(response, faults.failStatus, "transient", "Injected failure");
                    return;
                }
                if (faults.pageDelayMs > 0) {
                    try {
                        Thread.sleep(faults.pageDelayMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            chain.doFilter(req, res);
        }
    }

    private static void outcome(HttpServletResponse response, int status, String code, String text)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/fhir+json");
        response.getOutputStream().write(("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                + "\"code\":\"" + code + "\",\"diagnostics\":\"" + text + "\"}]}").getBytes(StandardCharsets.UTF_8));
    }

    private final class TokenServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String id = req.getParameter("client_id");
            String secret = req.getParameter("client_secret");
            String basic = req.getHeader("Authorization");
            if (basic != null && basic.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
                id = java.net.URLDecoder.decode(pair.substring(0, pair.indexOf(':')), StandardCharsets.UTF_8);
                secret = java.net.URLDecoder.decode(pair.substring(pair.indexOf(':') + 1), StandardCharsets.UTF_8);
            }
            resp.setContentType("application/json");
            if (!"client_credentials".equals(req.getParameter("grant_type")) || !oauth.clientId.equals(id)
                    || !oauth.clientSecret.equals(secret)) {
                resp.setStatus(401);
                resp.getWriter().write("{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}");
                return;
            }
            String token = "tok-" + oauth.issued.incrementAndGet() + "-" + System.nanoTime();
            oauth.tokens.put(token, Instant.now().plusSeconds(oauth.lifetimeSeconds));
            int advertised = oauth.advertisedSeconds > 0 ? oauth.advertisedSeconds : oauth.lifetimeSeconds;
            resp.getWriter().write("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + advertised + "}");
        }
    }
}
