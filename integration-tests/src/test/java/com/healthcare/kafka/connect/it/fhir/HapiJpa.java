package com.healthcare.kafka.connect.it.fhir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import ca.uhn.fhir.context.FhirContext;

/** Writes to the HAPI FHIR JPA server over its REST API, as any client would. */
public final class HapiJpa {

    static final FhirContext CTX = FhirContext.forR4();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;

    public HapiJpa(String base) {
        this.base = base;
    }

    /** One transaction of PUTs (client-assigned ids): all land, or none. */
    public void putAll(List<? extends Resource> resources) {
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource r : resources) {
            String url = r.fhirType() + "/" + r.getIdElement().getIdPart();
            tx.addEntry().setFullUrl(url).setResource(r).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
        }
        send("POST", base, CTX.newJsonParser().encodeResourceToString(tx));
    }

    public void put(Resource r) {
        send("PUT", base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart(),
                CTX.newJsonParser().encodeResourceToString(r));
    }

    public void delete(String type, String id) {
        send("DELETE", base + "/" + type + "/" + id, null);
    }

    public String get(String path) {
        return send("GET", base + "/" + path, null);
    }

    private static String send(String method, String url, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Accept", "application/fhir+json");
        if (body != null) {
            request.header("Content-Type", "application/fhir+json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new AssertionError(method + " " + url + " -> HTTP " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
