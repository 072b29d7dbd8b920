package com.healthcare.kafka.connect.it.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal FHIR R4 server on the JDK's HTTP server, for runs where HAPI's Jetty 12 server cannot be on the
 * classpath (see {@link CompatFhirServer}). It answers what the FHIR source's poll mode asks: {@code GET /metadata}
 * and {@code GET /Patient?_lastUpdated=ge<instant>&_sort=_lastUpdated&_count=n} as a searchset Bundle in
 * lastUpdated order, with meta.versionId and meta.lastUpdated on every resource. Anything else is a 404
 * OperationOutcome, so a request the stub does not model fails the test instead of passing silently.
 */
final class JdkFhirStub implements CompatFhirServer {

    private record Stored(String id, int version, Instant lastUpdated, ObjectNode resource) {
    }

    private final HttpServer http;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Map<String, Stored> patients = new HashMap<>();
    private Instant lastWrite = Instant.EPOCH;

    private JdkFhirStub() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/fhir", this::handle);
        http.setExecutor(executor);
        http.start();
    }

    static JdkFhirStub start() {
        try {
            return new JdkFhirStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir";
    }

    @Override
    public String description() {
        return "JDK HttpServer FHIR stub (" + baseUrl() + ")";
    }

    @Override
    public synchronized void putPatient(String id, String family, String given, String mrn) {
        // Strictly increasing millisecond times, as a real server's lastUpdated would be for successive writes.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lastWrite = now.isAfter(lastWrite) ? now : lastWrite.plusMillis(1);
        Stored previous = patients.get(id);
        int version = previous == null ? 1 : previous.version() + 1;
        ObjectNode patient = ConnectWorker.JSON.createObjectNode();
        patient.put("resourceType", "Patient");
        patient.put("id", id);
        ObjectNode meta = patient.putObject("meta");
        meta.put("versionId", Integer.toString(version));
        meta.put("lastUpdated", lastWrite.toString());
        patient.putArray("identifier").addObject().put("system", "urn:mrn").put("value", mrn);
        ObjectNode name = patient.putArray("name").addObject();
        name.put("family", family);
        name.putArray("given").add(given);
        patients.put(id, new Stored(id, version, lastWrite, patient));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, outcome("only GET is modelled"));
            } else if (path.equals("/fhir/metadata")) {
                ObjectNode capability = ConnectWorker.JSON.createObjectNode();
                capability.put("resourceType", "CapabilityStatement");
                capability.put("status", "active");
                capability.put("kind", "instance");
                capability.put("fhirVersion", "4.0.1");
                capability.putArray("format").add("json");
                respond(exchange, 200, capability);
            } else if (path.equals("/fhir/Patient")) {
                search(exchange);
            } else {
                respond(exchange, 404, outcome("not modelled by the stub: " + path));
            }
        }
    }

    private void search(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Instant lower = Instant.EPOCH;
        String lastUpdated = query.get("_lastUpdated");
        if (lastUpdated != null) {
            if (!lastUpdated.startsWith("ge")) {
                respond(exchange, 400, outcome("only _lastUpdated=ge is modelled"));
                return;
            }
            try {
                lower = parseInstant(lastUpdated.substring(2));
            } catch (DateTimeParseException e) {
                respond(exchange, 400, outcome("bad _lastUpdated"));
                return;
            }
        }
        int count = Integer.parseInt(query.getOrDefault("_count", "100"));
        List<Stored> matches = new ArrayList<>();
        synchronized (this) {
            for (Stored s : patients.values()) {
                if (!s.lastUpdated().isBefore(lower)) {
                    matches.add(s);
                }
            }
        }
        matches.sort(Comparator.comparing(Stored::lastUpdated));
        if (matches.size() > count) {
            // The compat ITs keep every search within one page; paging is the HAPI server's job in the FHIR ITs.
            respond(exchange, 500, outcome("the stub does not page: " + matches.size() + " > _count " + count));
            return;
        }
        ObjectNode bundle = ConnectWorker.JSON.createObjectNode();
        bundle.put("resourceType", "Bundle");
        bundle.putObject("meta").put("lastUpdated", Instant.now().toString());
        bundle.put("type", "searchset");
        bundle.put("total", matches.size());
        bundle.putArray("link").addObject().put("relation", "self")
                .put("url", baseUrl() + "/Patient?" + exchange.getRequestURI().getRawQuery());
        ArrayNode entries = bundle.putArray("entry");
        for (Stored s : matches) {
            ObjectNode entry = entries.addObject();
            entry.put("fullUrl", baseUrl() + "/Patient/" + s.id());
            entry.set("resource", s.resource());
            entry.putObject("search").put("mode", "match");
        }
        respond(exchange, 200, bundle);
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    private static ObjectNode outcome(String diagnostics) {
        ObjectNode outcome = ConnectWorker.JSON.createObjectNode();
        outcome.put("resourceType", "OperationOutcome");
        outcome.putArray("issue").addObject().put("severity", "error").put("code", "not-supported")
                .put("diagnostics", diagnostics);
        return outcome;
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = ConnectWorker.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/fhir+json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
