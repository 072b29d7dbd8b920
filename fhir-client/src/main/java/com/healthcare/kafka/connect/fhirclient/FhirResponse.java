package com.healthcare.kafka.connect.fhirclient;

import java.net.http.HttpHeaders;

/** A successful (2xx) response: status, headers and the body, already decompressed. */
public record FhirResponse(int status, HttpHeaders headers, byte[] body) {

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }
}
