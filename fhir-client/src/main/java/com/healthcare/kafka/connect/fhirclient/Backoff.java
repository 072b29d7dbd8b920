package com.healthcare.kafka.connect.fhirclient;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, initial * 2^n). */
public record Backoff(long initialMs, long maxMs) {

    public long delayMs(int attempt) {
        long d = initialMs;
        for (int i = 0; i < attempt && d < maxMs; i++) {
            d *= 2;
        }
        d = Math.min(d, maxMs);
        long half = d / 2;
        return half + ThreadLocalRandom.current().nextLong(d - half + 1);
    }
}
