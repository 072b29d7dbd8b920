package com.healthcare.kafka.connect.hl7.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.healthcare.kafka.connect.hl7.ack.Outcome;
import com.healthcare.kafka.connect.hl7.parse.FrameContent;
import com.healthcare.kafka.connect.hl7.parse.Hl7Message;

/**
 * One MLLP frame (or a faulty piece of the byte stream) on its way from the socket to Kafka and back as an ACK.
 * The listener creates it, the task's poll thread claims and processes it into records, commits and timeouts
 * complete its parts, and once all are complete the owner (the connection) writes the response.
 */
public final class InboundFrame {

    /** What the byte stream held. */
    public enum Kind { MESSAGE, OVERSIZED, TRUNCATED, GARBAGE }

    private enum State { QUEUED, PROCESSING, EXPIRED }

    private final FrameOwner owner;
    private final Kind kind;
    private final byte[] payload;
    private final String faultDetail;
    private final boolean answerable;
    private final long receivedAtMillis;
    private final long receivedNanos;
    private final long deadlineNanos;
    private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
    private final AtomicInteger remaining = new AtomicInteger(1);
    private final List<Part> parts = Collections.synchronizedList(new ArrayList<>(1));
    private volatile FrameContent content;
    private volatile boolean completed;
    private volatile boolean closeConnectionAfterResponse;
    private final java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param answerable  whether the sender can and should get a response (false for bytes outside a frame or a
     *                    frame cut off by the connection closing)
     * @param ackTimeoutNanos how long after receipt the frame is answered with an error if still not stored
     */
    public InboundFrame(FrameOwner owner, Kind kind, byte[] payload, String faultDetail, boolean answerable,
                        long ackTimeoutNanos) {
        this.owner = owner;
        this.kind = kind;
        this.payload = payload;
        this.faultDetail = faultDetail;
        this.answerable = answerable;
        this.receivedAtMillis = System.currentTimeMillis();
        this.receivedNanos = System.nanoTime();
        this.deadlineNanos = receivedNanos + ackTimeoutNanos;
    }

    public FrameOwner owner() {
        return owner;
    }

    public Kind kind() {
        return kind;
    }

    public byte[] payload() {
        return payload;
    }

    /** Why a faulty frame is faulty, or null. */
    public String faultDetail() {
        return faultDetail;
    }

    public boolean answerable() {
        return answerable;
    }

    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** The poll thread claims the frame; false when the ACK timeout took it first (then it is not written). */
    public boolean claim() {
        return state.compareAndSet(State.QUEUED, State.PROCESSING);
    }

    /** Adds a part while the frame is being processed (before {@link #sealed()}). */
    public Part addPart(Hl7Message message, Outcome presetFailure) {
        Part part = new Part(this, message, presetFailure);
        remaining.incrementAndGet();
        parts.add(part);
        return part;
    }

    /** Called after the last part is added: the frame completes when its parts do. */
    public void sealed(FrameContent decoded) {
        this.content = decoded;
        partCompleted();
    }

    void partCompleted() {
        if (remaining.decrementAndGet() == 0) {
            completed = true;
            owner.frameCompleted(this);
        }
    }

    /**
     * The ACK timeout passed: a frame still queued is answered with {@code timeout} and never written; parts of a
     * frame being processed that have no outcome yet get {@code timeout}. No effect on a completed frame.
     */
    public void expire(Outcome timeout, Hl7Message bestEffortHeader) {
        if (state.compareAndSet(State.QUEUED, State.EXPIRED)) {
            addPart(bestEffortHeader, null).complete(timeout);
            sealed(null);
            return;
        }
        List<Part> snapshot;
        synchronized (parts) {
            snapshot = new ArrayList<>(parts);
        }
        for (Part part : snapshot) {
            part.complete(timeout);
        }
    }

    /** True the first time only: the ACK timeout is counted once per frame even if expiry is retried. */
    public boolean markTimedOut() {
        return timedOut.compareAndSet(false, true);
    }

    public boolean isCompleted() {
        return completed;
    }

    /** The parts, in message order. */
    public List<Part> parts() {
        synchronized (parts) {
            return new ArrayList<>(parts);
        }
    }

    /** The decoded content (null when it could not be decoded or the frame expired unread). */
    public FrameContent content() {
        return content;
    }

    /** The connection is to be closed once this frame's response is written (an oversized frame). */
    public boolean closeConnectionAfterResponse() {
        return closeConnectionAfterResponse;
    }

    public void closeConnectionAfterResponse(boolean close) {
        this.closeConnectionAfterResponse = close;
    }
}
