package com.healthcare.kafka.connect.it.fhirsink;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/** Searches and reads on a FHIR server's REST API, as any client would (no cache: HAPI JPA caches searches). */
public final class FhirServerQueries {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;

    public FhirServerQueries(String base) {
        this.base = base;
    }

    /** The total of a search ("Patient?identifier=..."), counted by the server. */
    public int count(String search) {
        String sep = search.contains("?") ? "&" : "?";
        return get(search + sep + "_summary=count").path("total").asInt(-1);
    }

    /** Every resource a search matches (following next links). */
    public List<JsonNode> search(String search) {
        List<JsonNode> result = new ArrayList<>();
        String sep = search.contains("?") ? "&" : "?";
        JsonNode page = get(search + sep + "_count=200");
        while (true) {
            page.path("entry").forEach(e -> result.add(e.path("resource")));
            String next = null;
            for (JsonNode link : page.path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    next = link.path("url").asText();
                }
            }
            if (next == null) {
                return result;
            }
            page = getAbsolute(next);
        }
    }

    /** GET [base]/relative as JSON; fails the test on a non-2xx answer. */
    public JsonNode get(String relative) {
        return getAbsolute(base + "/" + relative);
    }

    /** Whether a reference such as "Patient/123" resolves on the server. */
    public boolean resolves(String reference) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + reference))
                    .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static JsonNode getAbsolute(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/fhir+json").header("Cache-Control", "no-cache").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new AssertionError("GET " + url + " -> HTTP " + r.statusCode() + ": " + r.body());
            }
            return ConnectWorker.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
