package com.healthcare.kafka.connect.hl7.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Counters and an ACK latency reservoir of one task; cheap to update from any thread. */
public final class Hl7SourceTaskMetrics implements Hl7SourceTaskMetricsMXBean {

    private static final int RESERVOIR = 8192;

    public final LongAdder messagesReceived = new LongAdder();
    public final LongAdder framesReceived = new LongAdder();
    public final LongAdder acknowledged = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder errored = new LongAdder();
    public final LongAdder undeliverable = new LongAdder();
    public final LongAdder ackTimeouts = new LongAdder();
    public final LongAdder errorRecords = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder controlIdReuses = new LongAdder();
    public final LongAdder connectionsAccepted = new LongAdder();
    public final LongAdder connectionsRefused = new LongAdder();
    public final LongAdder connectionsCut = new LongAdder();
    public final LongAdder handshakesFailed = new LongAdder();
    public final LongAdder bytesReceived = new LongAdder();

    private final long[] latenciesMicros = new long[RESERVOIR];
    private final AtomicLong latencyCount = new AtomicLong();
    private volatile LongSupplier inFlight = () -> 0;
    private volatile LongSupplier queueDepth = () -> 0;
    private volatile LongSupplier openConnections = () -> 0;

    public void gauges(LongSupplier inFlight, LongSupplier queueDepth, LongSupplier openConnections) {
        this.inFlight = inFlight;
        this.queueDepth = queueDepth;
        this.openConnections = openConnections;
    }

    /** Records one ACK latency; racy slot writes only blur the sample, which is acceptable for a gauge. */
    public void ackLatencyNanos(long nanos) {
        long slot = latencyCount.getAndIncrement();
        latenciesMicros[(int) (slot % RESERVOIR)] = nanos / 1000;
    }

    private double percentileMs(double p) {
        long count = Math.min(latencyCount.get(), RESERVOIR);
        if (count == 0) {
            return 0;
        }
        long[] copy = Arrays.copyOf(latenciesMicros, (int) count);
        Arrays.sort(copy);
        int index = (int) Math.min(count - 1, Math.max(0, Math.ceil(p * count) - 1));
        return copy[index] / 1000.0;
    }

    @Override
    public long getMessagesReceived() {
        return messagesReceived.sum();
    }

    @Override
    public long getFramesReceived() {
        return framesReceived.sum();
    }

    @Override
    public long getMessagesAcknowledged() {
        return acknowledged.sum();
    }

    @Override
    public long getMessagesRejected() {
        return rejected.sum();
    }

    @Override
    public long getMessagesErrored() {
        return errored.sum();
    }

    @Override
    public long getAcknowledgementsUndeliverable() {
        return undeliverable.sum();
    }

    @Override
    public long getAckTimeouts() {
        return ackTimeouts.sum();
    }

    @Override
    public long getErrorRecords() {
        return errorRecords.sum();
    }

    @Override
    public long getDuplicatesSuppressed() {
        return duplicates.sum();
    }

    @Override
    public long getTlsHandshakesFailed() {
        return handshakesFailed.sum();
    }

    @Override
    public long getControlIdReuses() {
        return controlIdReuses.sum();
    }

    @Override
    public long getInFlight() {
        return inFlight.getAsLong();
    }

    @Override
    public long getQueueDepth() {
        return queueDepth.getAsLong();
    }

    @Override
    public long getOpenConnections() {
        return openConnections.getAsLong();
    }

    @Override
    public long getConnectionsAccepted() {
        return connectionsAccepted.sum();
    }

    @Override
    public long getConnectionsRefused() {
        return connectionsRefused.sum();
    }

    @Override
    public long getConnectionsTimedOutOrCut() {
        return connectionsCut.sum();
    }

    @Override
    public long getBytesReceived() {
        return bytesReceived.sum();
    }

    @Override
    public double getAckLatencyP50Ms() {
        return percentileMs(0.50);
    }

    @Override
    public double getAckLatencyP95Ms() {
        return percentileMs(0.95);
    }

    @Override
    public double getAckLatencyP99Ms() {
        return percentileMs(0.99);
    }

    @Override
    public double getAckLatencyMaxMs() {
        return percentileMs(1.0);
    }
}
