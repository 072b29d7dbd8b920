package com.healthcare.kafka.connect.hl7.mllp;

import java.util.ArrayDeque;

import com.healthcare.kafka.connect.hl7.delivery.InboundFrame;

/**
 * The ACK timeout: answerable frames in arrival order, and those not completed by their deadline are answered
 * with an error. Selector thread only.
 */
final class AckDeadlines {

    private final MllpHandler handler;
    /** Answerable frames in arrival order (their deadlines are in the same order). */
    private final ArrayDeque<InboundFrame> awaitingAck = new ArrayDeque<>();

    AckDeadlines(MllpHandler handler) {
        this.handler = handler;
    }

    void track(InboundFrame frame) {
        awaitingAck.add(frame);
    }

    /** Frames not completed in time are answered with an error. */
    void expireFrames(long now) {
        while (!awaitingAck.isEmpty()) {
            InboundFrame head = awaitingAck.peek();
            if (head.isCompleted()) {
                awaitingAck.poll();
                continue;
            }
            if (now - head.deadlineNanos() < 0) {
                return;
            }
            handler.expire(head);
            if (!head.isCompleted()) {
                // Parts are still being added by the poll thread: retry on the next scan.
                return;
            }
            awaitingAck.poll();
        }
    }
}
