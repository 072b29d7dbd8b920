package com.healthcare.kafka.connect.fhir.subscription;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.FhirResponse;
import com.healthcare.kafka.connect.fhir.config.QueryParameters;

/**
 * Creates, updates, renews and tidies the connector's R4 rest-hook Subscription resources. Each carries the
 * connector's name as a tag ({@value #TAG_SYSTEM}|name), so a restarted task finds and updates its own
 * Subscriptions instead of piling up new ones, and an operator can find (and delete) them with
 * {@code GET [base]/Subscription?_tag=...}. {@code end} is set {@code ttl} ahead and pushed forward by
 * {@link #renew()}, so the Subscriptions of a deleted connector stop on servers that honour {@code end}.
 */
public final class SubscriptionRegistrar {

    public static final String TAG_SYSTEM = "https://healthcare.kafka.connect/fhir-source-connector";

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRegistrar.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final FhirHttpClient client;
    private final String baseUrl;
    private final String connectorName;
    private final List<String> criteria;
    private final String endpoint;
    private final String header;
    private final long ttlMs;
    private final Clock clock;
    /** criteria -> Subscription id on the server */
    private final Map<String, String> ids = new LinkedHashMap<>();

    public SubscriptionRegistrar(FhirHttpClient client, String baseUrl, String connectorName, List<String> criteria,
                                 String endpoint, String header, long ttlMs, Clock clock) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.connectorName = connectorName;
        this.criteria = List.copyOf(criteria);
        this.endpoint = endpoint;
        this.header = header;
        this.ttlMs = ttlMs;
        this.clock = clock;
    }

    /** Makes the server hold exactly one Subscription per configured criteria, all pointing here. */
    public synchronized void ensure() throws InterruptedException {
        Map<String, JsonNode> existing = findOwn();
        List<String> unused = new ArrayList<>(existing.keySet());
        ids.clear();
        for (String c : criteria) {
            String id = null;
            for (Map.Entry<String, JsonNode> e : existing.entrySet()) {
                if (unused.contains(e.getKey()) && c.equals(e.getValue().path("criteria").asText())) {
                    id = e.getKey();
                    break;
                }
            }
            if (id != null) {
                unused.remove(id);
                put(id, c);
            } else {
                id = create(c);
            }
            ids.put(c, id);
        }
        for (String stale : unused) {
            LOG.info("Deleting Subscription/{} of connector {}: its criteria is no longer configured", stale,
                    connectorName);
            client.send("DELETE", baseUrl + "/Subscription/" + stale, null, null);
        }
        LOG.info("Connector {}: Subscription(s) {} deliver to {} until {}", connectorName, ids.values(), endpoint,
                end());
    }

    /** Pushes {@code end} forward; recreates a Subscription that someone deleted. Failures are logged only. */
    public synchronized void renew() {
        try {
            for (Map.Entry<String, String> e : ids.entrySet()) {
                try {
                    put(e.getValue(), e.getKey());
                } catch (FhirException ex) {
                    if (ex.status() == 404 || ex.status() == 410) {
                        ensure();
                        return;
                    }
                    throw ex;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Connector {}: renewing Subscription end failed (next attempt at the next renewal): {}",
                    connectorName, e.getMessage());
        }
    }

    public synchronized Map<String, String> ids() {
        return Map.copyOf(ids);
    }

    private Map<String, JsonNode> findOwn() throws InterruptedException {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        String url = baseUrl + "/Subscription?_tag=" + QueryParameters.encode(TAG_SYSTEM + "|" + connectorName)
                + "&_count=100";
        int pages = 0;
        while (url != null && pages++ < 100) {
            FhirResponse response = client.get(url);
            JsonNode bundle = readJson(response.body());
            for (JsonNode entry : bundle.path("entry")) {
                JsonNode resource = entry.path("resource");
                if ("Subscription".equals(resource.path("resourceType").asText()) && hasOwnTag(resource)) {
                    found.put(resource.path("id").asText(), resource);
                }
            }
            url = null;
            for (JsonNode link : bundle.path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    url = link.path("url").asText(null);
                }
            }
        }
        return found;
    }

    private boolean hasOwnTag(JsonNode resource) {
        for (JsonNode tag : resource.path("meta").path("tag")) {
            if (TAG_SYSTEM.equals(tag.path("system").asText()) && connectorName.equals(tag.path("code").asText())) {
                return true;
            }
        }
        return false;
    }

    private String create(String c) throws InterruptedException {
        FhirResponse response = client.send("POST", baseUrl + "/Subscription", body(null, c), FhirHttpClient.FHIR_JSON);
        String id = null;
        if (response.body().length > 0) {
            id = readJson(response.body()).path("id").asText(null);
        }
        if (id == null) {
            String location = response.header("Location");
            if (location == null) {
                location = response.header("Content-Location");
            }
            if (location != null) {
                String path = location.replaceAll("/_history/.*$", "");
                id = path.substring(path.lastIndexOf('/') + 1);
            }
        }
        if (id == null) {
            throw new FhirException("Creating the Subscription for '" + c + "' succeeded but the server returned no id",
                    response.status(), false);
        }
        return id;
    }

    private void put(String id, String c) throws InterruptedException {
        client.send("PUT", baseUrl + "/Subscription/" + id, body(id, c), FhirHttpClient.FHIR_JSON);
    }

    private String end() {
        return clock.instant().plusMillis(ttlMs).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    byte[] body(String id, String c) {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("resourceType", "Subscription");
        if (id != null) {
            s.put("id", id);
        }
        ArrayNode tags = s.putObject("meta").putArray("tag");
        ObjectNode tag = tags.addObject();
        tag.put("system", TAG_SYSTEM);
        tag.put("code", connectorName);
        tag.put("display", "Kafka Connect FHIR source connector " + connectorName);
        s.put("status", "requested");
        s.put("reason", "Kafka Connect FHIR source connector " + connectorName + " (renewed while it runs)");
        s.put("criteria", c);
        s.put("end", end());
        ObjectNode channel = s.putObject("channel");
        channel.put("type", "rest-hook");
        channel.put("endpoint", endpoint);
        channel.put("payload", FhirHttpClient.FHIR_JSON);
        channel.putArray("header").add(header);
        try {
            return MAPPER.writeValueAsBytes(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readJson(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
            return node == null ? MAPPER.createObjectNode() : node;
        } catch (Exception e) {
            throw new FhirException("The server answered a Subscription request with unreadable JSON", 200, false, e);
        }
    }

    /** When the next renewal is due. */
    public Instant nextRenewal() {
        return clock.instant().plusMillis(ttlMs / 3);
    }
}
