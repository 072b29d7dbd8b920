package com.healthcare.kafka.connect.hl7.parse;

/**
 * Why input was not accepted: the value of the {@code hl7.error.class} header, the HL7 error code (table 0357)
 * of the ERR segment, and whether the sender gets a rejection (AR) or an error (AE).
 */
public enum ErrorClass {
    /** Bytes that cannot be decoded in the declared (or default) character set. */
    UNDECODABLE("undecodable", "102", "Data type error", true),
    /** No MSH segment where one must be. */
    NO_MSH("no_msh", "100", "Segment sequence error", true),
    /** An MSH whose delimiters or structure cannot be read. */
    MALFORMED("malformed", "100", "Segment sequence error", true),
    /** A required MSH field is empty. */
    MISSING_FIELD("missing_field", "101", "Required field missing", true),
    /** A message type or trigger event this listener does not accept. */
    UNSUPPORTED_TYPE("unsupported_type", "200", "Unsupported message type", true),
    /** A frame larger than hl7.max.message.bytes (only a bounded prefix is kept). */
    OVERSIZED("oversized", "207", "Application internal error", true),
    /**
     * A readable message whose record would exceed the producer's max.request.size once the converter has grown
     * it (JSON escaping, UTF-8): sent to the error topic as a bounded prefix instead of failing the task.
     */
    TOO_LARGE("too_large", "207", "Application internal error", true),
    /** A frame cut short: the connection closed, timed out or restarted a frame before the end byte. */
    TRUNCATED("truncated", "100", "Segment sequence error", true),
    /** Bytes outside an MLLP frame. */
    FRAMING("framing", "100", "Segment sequence error", true),
    /** Content that fails HL7 validation (hl7.validation.enabled with hl7.validation.fail.invalid). */
    INVALID("invalid", "102", "Data type error", false),
    /** Kafka did not confirm the record in time, or Connect dropped it. */
    NOT_STORED("not_stored", "207", "Application internal error", false);

    private final String header;
    private final String hl7Code;
    private final String hl7Text;
    private final boolean rejection;

    ErrorClass(String header, String hl7Code, String hl7Text, boolean rejection) {
        this.header = header;
        this.hl7Code = hl7Code;
        this.hl7Text = hl7Text;
        this.rejection = rejection;
    }

    /** Value of the hl7.error.class header. */
    public String header() {
        return header;
    }

    /** HL7 table 0357 code for ERR-3. */
    public String hl7Code() {
        return hl7Code;
    }

    public String hl7Text() {
        return hl7Text;
    }

    /** AR (rejection) rather than AE (error). */
    public boolean isRejection() {
        return rejection;
    }
}
