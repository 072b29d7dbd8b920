package com.healthcare.kafka.connect.hl7.record;

/** Header names on the records of the HL7 source. */
public final class Hl7Headers {

    public static final String MESSAGE_TYPE = "hl7.message.type";
    public static final String TRIGGER_EVENT = "hl7.trigger.event";
    public static final String CONTROL_ID = "hl7.control.id";
    public static final String VERSION = "hl7.version";
    public static final String CONTENT_TYPE = "content-type";
    public static final String VALIDATION_ERRORS = "hl7.validation.errors";

    public static final String ERROR_REASON = "hl7.error.reason";
    public static final String ERROR_CLASS = "hl7.error.class";
    public static final String REMOTE_ADDRESS = "hl7.remote.address";
    public static final String RECEIVED_AT = "hl7.received.at";
    public static final String CHARSET = "hl7.charset";
    /** Length in bytes of the whole rejected input (the record value may hold only a prefix of it). */
    public static final String ERROR_LENGTH = "hl7.error.length";
    /** SHA-256 (hex) of the whole rejected input, to match the prefix against the sender's copy. */
    public static final String ERROR_SHA256 = "hl7.error.sha256";

    /** Media type of HL7 v2 in its pipe-delimited (ER7) encoding. */
    public static final String HL7_V2_CONTENT_TYPE = "x-application/hl7-v2+er7";
    public static final String OCTET_STREAM = "application/octet-stream";

    private Hl7Headers() {
    }
}
