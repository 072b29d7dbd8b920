package com.healthcare.kafka.connect.fhirclient.smart;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.healthcare.kafka.connect.fhirclient.FhirException;

/**
 * Finds the token endpoint a SMART server publishes in {@code [base]/.well-known/smart-configuration} (SMART App
 * Launch 2.x, also used by Backend Services), for when it is not configured.
 */
public final class SmartDiscovery {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SmartDiscovery() {
    }

    public static URI tokenEndpoint(HttpClient http, String fhirBase, Duration timeout) {
        URI wellKnown = URI.create(fhirBase.replaceAll("/+$", "") + "/.well-known/smart-configuration");
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(wellKnown).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new FhirException("SMART discovery: " + wellKnown + " could not be read: " + e, 0, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FhirException("SMART discovery of " + wellKnown + " interrupted", 0, true, e);
        }
        if (response.statusCode() != 200) {
            throw new FhirException("SMART discovery: " + wellKnown + " answered HTTP " + response.statusCode()
                    + "; set fhir.auth.smart.token.endpoint", response.statusCode(), response.statusCode() >= 500);
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new FhirException("SMART discovery: " + wellKnown + " is not JSON", 200, false, e);
        }
        String endpoint = json == null ? "" : json.path("token_endpoint").asText("");
        if (endpoint.isBlank()) {
            throw new FhirException("SMART discovery: " + wellKnown + " names no token_endpoint; set "
                    + "fhir.auth.smart.token.endpoint", 200, false);
        }
        return URI.create(endpoint);
    }
}
