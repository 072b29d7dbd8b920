package com.healthcare.kafka.connect.fhirclient;

import java.time.Duration;

import javax.net.ssl.SSLContext;

/**
 * Transport settings of one task's client.
 *
 * @param readTimeout   time for one response to arrive completely
 * @param maxRetries    retries after 429/5xx/I/O errors before a request fails
 * @param maxInFlight   concurrent requests of the task
 * @param sslContext    for https with a private CA; null for the JVM default
 */
public record HttpSettings(Duration connectTimeout, Duration readTimeout, boolean gzip, Backoff backoff,
                           int maxRetries, int maxInFlight, SSLContext sslContext) {
}
