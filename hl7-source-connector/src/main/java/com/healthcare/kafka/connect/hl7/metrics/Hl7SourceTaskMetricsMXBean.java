package com.healthcare.kafka.connect.hl7.metrics;

/**
 * Per-task metrics of the HL7 MLLP source, registered as
 * {@code com.healthcare.kafka.connect.hl7:type=hl7-source-task,connector=<name>,task=<n>}.
 */
public interface Hl7SourceTaskMetricsMXBean {

    /** Messages received (a batch counts each of its messages). */
    long getMessagesReceived();

    /** Frames received over MLLP. */
    long getFramesReceived();

    /** Positive acknowledgements written (AA/CA). */
    long getMessagesAcknowledged();

    /** Rejections written (AR/CR). */
    long getMessagesRejected();

    /** Error acknowledgements written (AE/CE), including timeouts. */
    long getMessagesErrored();

    /** Acknowledgements due but not written because the connection had closed. */
    long getAcknowledgementsUndeliverable();

    /** Error acknowledgements because Kafka did not confirm within hl7.ack.timeout.ms. */
    long getAckTimeouts();

    /** Records written to the error topic. */
    long getErrorRecords();

    /** exactly_once: resent duplicates answered without a second record. */
    long getDuplicatesSuppressed();

    /** TLS handshakes refused (no or untrusted certificate, not TLS, no common protocol) or not finished in time. */
    long getTlsHandshakesFailed();

    /**
     * exactly_once: messages whose MSH-3/4/10 matched a recent message but whose content did not; they were
     * written as new messages (not suppressed).
     */
    long getControlIdReuses();

    /** Frames received and not yet answered. */
    long getInFlight();

    /** Frames waiting for the poll thread. */
    long getQueueDepth();

    long getOpenConnections();

    long getConnectionsAccepted();

    /** Connections closed at once because hl7.max.connections were open. */
    long getConnectionsRefused();

    /** Connections closed for idleness, slowness, oversized frames or non-MLLP input. */
    long getConnectionsTimedOutOrCut();

    long getBytesReceived();

    /** ACK latency (receipt to response written) over the last 8192 responses, in milliseconds. */
    double getAckLatencyP50Ms();

    double getAckLatencyP95Ms();

    double getAckLatencyP99Ms();

    double getAckLatencyMaxMs();
}
