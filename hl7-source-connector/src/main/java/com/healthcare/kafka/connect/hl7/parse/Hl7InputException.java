package com.healthcare.kafka.connect.hl7.parse;

/**
 * Input that cannot be accepted. The message is a reason fit for the sender's ACK and the error topic: it names
 * fields and limits, never message content (so it is also safe to log).
 */
public class Hl7InputException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorClass errorClass;
    private final transient Hl7Message header;

    public Hl7InputException(ErrorClass errorClass, String reason) {
        this(errorClass, reason, null);
    }

    /** @param header the message whose MSH could be read (for an addressed ACK), or null */
    public Hl7InputException(ErrorClass errorClass, String reason, Hl7Message header) {
        super(reason, null, false, false);
        this.errorClass = errorClass;
        this.header = header;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The message as far as it could be read, or null. */
    public Hl7Message header() {
        return header;
    }
}
