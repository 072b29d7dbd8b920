package com.healthcare.kafka.connect.hl7.mllp;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * WARN lines an attacker can trigger at will (refused connections, failed handshakes), at most one per kind per
 * interval, each saying how many were left out since the previous one. Selector thread only.
 */
final class WarnLimiter {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final Map<String, long[]> state = new HashMap<>();

    WarnLimiter(Logger log) {
        this.log = log;
    }

    /** Logs {@code format} (SLF4J style) unless a line of this {@code kind} went out within the interval. */
    void warn(String kind, String format, Object... args) {
        long now = System.nanoTime();
        long[] s = state.computeIfAbsent(kind, k -> new long[] {now - INTERVAL_NANOS - 1, 0});
        if (now - s[0] <= INTERVAL_NANOS) {
            s[1]++;
            return;
        }
        long suppressed = s[1];
        s[0] = now;
        s[1] = 0;
        if (suppressed > 0) {
            Object[] withCount = new Object[args.length + 1];
            System.arraycopy(args, 0, withCount, 0, args.length);
            withCount[args.length] = suppressed;
            log.warn(format + " ({} similar in the last 10 s not logged)", withCount);
        } else {
            log.warn(format, args);
        }
    }
}
