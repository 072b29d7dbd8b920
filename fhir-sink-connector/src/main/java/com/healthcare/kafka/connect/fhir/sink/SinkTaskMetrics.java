package com.healthcare.kafka.connect.fhir.sink;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.healthcare.kafka.connect.fhir.sink.write.WriteListener;

/** The counters behind {@link SinkTaskMetricsMXBean}; latencies in a ring of the last 2048 requests. */
public final class SinkTaskMetrics implements SinkTaskMetricsMXBean, WriteListener {

    private static final int WINDOW = 2048;

    final AtomicLong written = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong redelivered = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final long[] latenciesNanos = new long[WINDOW];
    private long latencyCount;
    private LongSupplier requests = () -> 0;
    private LongSupplier retries = () -> 0;

    void bind(LongSupplier requests, LongSupplier retries) {
        this.requests = requests;
        this.retries = retries;
    }

    @Override
    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    @Override
    public void requestFinished(long nanos) {
        inFlight.decrementAndGet();
        synchronized (latenciesNanos) {
            latenciesNanos[(int) (latencyCount++ % WINDOW)] = nanos;
        }
    }

    @Override
    public long getRecordsWritten() {
        return written.get();
    }

    @Override
    public long getRequests() {
        return requests.getAsLong();
    }

    @Override
    public long getRetries() {
        return retries.getAsLong();
    }

    @Override
    public long getRecordsDeadLettered() {
        return deadLettered.get();
    }

    @Override
    public long getBatchesRedelivered() {
        return redelivered.get();
    }

    @Override
    public long getTombstonesSkipped() {
        return skipped.get();
    }

    @Override
    public int getRequestsInFlight() {
        return inFlight.get();
    }

    @Override
    public double getLatencyP50Ms() {
        return percentile(0.50);
    }

    @Override
    public double getLatencyP95Ms() {
        return percentile(0.95);
    }

    @Override
    public double getLatencyP99Ms() {
        return percentile(0.99);
    }

    @Override
    public double getLatencyMaxMs() {
        return percentile(1.0);
    }

    double percentile(double p) {
        long[] sorted;
        synchronized (latenciesNanos) {
            int n = (int) Math.min(latencyCount, WINDOW);
            if (n == 0) {
                return 0;
            }
            sorted = Arrays.copyOf(latenciesNanos, n);
        }
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000_000.0;
    }
}
