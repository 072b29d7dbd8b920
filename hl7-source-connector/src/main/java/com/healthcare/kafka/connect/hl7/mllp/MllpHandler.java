package com.healthcare.kafka.connect.hl7.mllp;

import com.healthcare.kafka.connect.hl7.delivery.InboundFrame;

/** What the listener needs from the task. Called on the selector thread; must not block. */
public interface MllpHandler {

    /** A frame arrived: queue it for the poll thread. */
    void enqueue(InboundFrame frame);

    /** The response to a completed frame, without the MLLP envelope, or null when none is due. */
    byte[] render(InboundFrame frame);

    /** The frame's ACK timeout passed. */
    void expire(InboundFrame frame);
}
