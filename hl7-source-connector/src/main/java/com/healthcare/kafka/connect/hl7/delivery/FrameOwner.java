package com.healthcare.kafka.connect.hl7.delivery;

/** Where a frame came from and where its response goes (an MLLP connection, possibly closed since). */
public interface FrameOwner {

    /** Called once, from any thread, when every message of the frame has its outcome. */
    void frameCompleted(InboundFrame frame);

    /** The peer's address, host:port (no PHI). */
    String remoteAddress();
}
