package com.healthcare.kafka.connect.hl7.delivery;

import java.util.concurrent.atomic.AtomicReference;

import com.healthcare.kafka.connect.hl7.ack.Outcome;
import com.healthcare.kafka.connect.hl7.parse.Hl7Message;

/**
 * One message of a frame (a frame holds one message, or several in a batch) and its outcome. The outcome is set
 * once, by whoever decides first: the Kafka commit, a rejection, the ACK timeout.
 */
public final class Part {

    private final InboundFrame frame;
    private final Hl7Message message;
    private final Outcome presetFailure;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    private volatile DedupWindow.Entry dedupEntry;

    /**
     * @param message       the message, or null when it could not be read
     * @param presetFailure the outcome to report once the error record is committed, or null for a message
     */
    Part(InboundFrame frame, Hl7Message message, Outcome presetFailure) {
        this.frame = frame;
        this.message = message;
        this.presetFailure = presetFailure;
    }

    public InboundFrame frame() {
        return frame;
    }

    /** The message, or null when it could not be read. */
    public Hl7Message message() {
        return message;
    }

    /** The failure this part's error record stands for, or null when the part is a message record. */
    public Outcome presetFailure() {
        return presetFailure;
    }

    /** Sets the outcome unless one is set already; true when this call set it. */
    public boolean complete(Outcome result) {
        if (outcome.compareAndSet(null, result)) {
            frame.partCompleted();
            return true;
        }
        return false;
    }

    /** The outcome, or null while pending. */
    public Outcome outcome() {
        return outcome.get();
    }

    public DedupWindow.Entry dedupEntry() {
        return dedupEntry;
    }

    public void dedupEntry(DedupWindow.Entry entry) {
        this.dedupEntry = entry;
    }
}
