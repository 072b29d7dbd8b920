package com.healthcare.kafka.connect.fhirclient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a client proves who it is to an OAuth2 token endpoint: a client secret in HTTP Basic or in the form body
 * (RFC 6749 section 2.3.1), or a signed JWT assertion (RFC 7523, as SMART Backend Services requires).
 */
public interface ClientAuthentication {

    /** Adds the client's credentials to a token request for {@code tokenEndpoint}: form fields, headers or both. */
    void apply(URI tokenEndpoint, StringBuilder form, HttpRequest.Builder request);

    String clientId();

    /** The config keys a user should check when the endpoint refuses the client. */
    String keysToCheck();

    static ClientAuthentication secretBasic(String clientId, String clientSecret) {
        return new ClientAuthentication() {
            @Override
            public void apply(URI tokenEndpoint, StringBuilder form, HttpRequest.Builder request) {
                // RFC 6749 2.3.1: form-encode id and secret before joining them for Basic
                String pair = encode(clientId) + ":" + encode(clientSecret);
                request.header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }

            @Override
            public String clientId() {
                return clientId;
            }

            @Override
            public String keysToCheck() {
                return "fhir.auth.oauth.client.id/secret/scope";
            }
        };
    }

    static ClientAuthentication secretPost(String clientId, String clientSecret) {
        return new ClientAuthentication() {
            @Override
            public void apply(URI tokenEndpoint, StringBuilder form, HttpRequest.Builder request) {
                form.append("&client_id=").append(encode(clientId))
                        .append("&client_secret=").append(encode(clientSecret));
            }

            @Override
            public String clientId() {
                return clientId;
            }

            @Override
            public String keysToCheck() {
                return "fhir.auth.oauth.client.id/secret/scope";
            }
        };
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
