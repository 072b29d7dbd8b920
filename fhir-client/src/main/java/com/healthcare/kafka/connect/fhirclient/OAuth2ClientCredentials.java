package com.healthcare.kafka.connect.fhirclient;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * OAuth2 client credentials grant (RFC 6749 section 4.4). The access token is cached and replaced shortly before
 * {@code expires_in} runs out (a fifth of its lifetime, at most a minute, ahead) and after the FHIR server
 * answers 401 to it. Token requests are retried with backoff on 5xx and I/O errors; a 4xx from the token endpoint
 * (bad client id or secret) fails at once with the endpoint's {@code error} and {@code error_description}.
 */
public final class OAuth2ClientCredentials implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(OAuth2ClientCredentials.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http;
    private final HttpSettings settings;
    private final Supplier<URI> endpoint;
    private final ClientAuthentication client;
    private final String scope;
    private final Clock clock;

    private URI tokenEndpoint;

    private String header;
    private Instant refreshAt;
    private long tokensFetched;

    public OAuth2ClientCredentials(HttpClient http, HttpSettings settings, String tokenEndpoint, String clientId,
                                   String clientSecret, String scope, boolean secretInBody, Clock clock) {
        this(http, settings, () -> URI.create(tokenEndpoint), secretInBody
                ? ClientAuthentication.secretPost(clientId, clientSecret)
                : ClientAuthentication.secretBasic(clientId, clientSecret), scope, clock);
    }

    /**
     * A client credentials grant whose token endpoint {@code endpoint} supplies on the first token request (it may
     * look it up, as SMART discovery does) and whose client proves itself with {@code client}.
     */
    public OAuth2ClientCredentials(HttpClient http, HttpSettings settings, Supplier<URI> endpoint,
                                   ClientAuthentication client, String scope, Clock clock) {
        this.http = http;
        this.settings = settings;
        this.endpoint = endpoint;
        this.client = client;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public synchronized String authorization() throws InterruptedException {
        if (header == null || (refreshAt != null && !clock.instant().isBefore(refreshAt))) {
            fetch();
        }
        return header;
    }

    @Override
    public synchronized boolean invalidate(String usedAuthorization) {
        if (usedAuthorization != null && usedAuthorization.equals(header)) {
            header = null;
        }
        return true;
    }

    @Override
    public String describe() {
        return "the OAuth2 token of client '" + client.clientId() + "' from " + tokenEndpoint + " was refused even "
                + "after a refresh; check the client's scopes and the server's authorization rules";
    }

    public synchronized long tokensFetched() {
        return tokensFetched;
    }

    private void fetch() throws InterruptedException {
        if (tokenEndpoint == null) {
            tokenEndpoint = endpoint.get();
        }
        String lastProblem = null;
        for (int attempt = 0; ; attempt++) {
            Instant requestedAt = clock.instant();
            HttpRequest built = tokenRequest();
            try {
                HttpResponse<byte[]> response = http.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray())
                        .get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
                int status = response.statusCode();
                if (status / 100 == 2) {
                    accept(response.body(), requestedAt);
                    return;
                }
                lastProblem = "HTTP " + status + " " + OperationOutcomes.summarize(response.body());
                if (status / 100 == 4 && status != 408 && status != 429) {
                    throw new FhirException("OAuth2 token request to " + tokenEndpoint + " was refused: "
                            + lastProblem + " (check " + client.keysToCheck() + ")", status, false);
                }
            } catch (ExecutionException e) {
                lastProblem = String.valueOf(e.getCause());
            } catch (TimeoutException e) {
                lastProblem = "no response within " + settings.readTimeout().toMillis() + " ms";
            }
            if (attempt >= settings.maxRetries()) {
                throw new FhirException("OAuth2 token endpoint " + tokenEndpoint + " failed " + (attempt + 1)
                        + " time(s); last: " + lastProblem, 0, true);
            }
            long delay = settings.backoff().delayMs(attempt);
            LOG.warn("OAuth2 token request failed ({}); retrying in {} ms", lastProblem, delay);
            Thread.sleep(delay);
        }
    }

    /** A fresh token request: a JWT client assertion gets a new jti and exp each time (also on a retry). */
    private HttpRequest tokenRequest() {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (scope != null && !scope.isBlank()) {
            form.append("&scope=").append(URLEncoder.encode(scope.trim(), StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        client.apply(tokenEndpoint, form, request);
        return request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
    }

    private void accept(byte[] body, Instant requestedAt) {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new FhirException("OAuth2 token endpoint " + tokenEndpoint + " answered with something that is not "
                    + "JSON", 200, false, e);
        }
        String token = json == null ? "" : json.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new FhirException("OAuth2 token endpoint " + tokenEndpoint + " answered without an access_token: "
                    + OperationOutcomes.summarize(body), 200, false);
        }
        String type = json.path("token_type").asText("Bearer");
        header = ("bearer".equalsIgnoreCase(type) ? "Bearer" : type) + " " + token;
        long expiresIn = json.path("expires_in").asLong(0);
        if (expiresIn > 0) {
            long lifetimeMs = expiresIn * 1000;
            long margin = Math.min(60_000, lifetimeMs / 5);
            refreshAt = requestedAt.plusMillis(lifetimeMs - margin);
        } else {
            refreshAt = null; // unknown lifetime: replaced after a 401
        }
        tokensFetched++;
        LOG.debug("OAuth2 token obtained from {} (expires_in={}s)", tokenEndpoint, expiresIn);
    }
}
