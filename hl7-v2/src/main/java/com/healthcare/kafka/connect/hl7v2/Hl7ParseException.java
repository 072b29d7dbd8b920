package com.healthcare.kafka.connect.hl7v2;

/**
 * The text or bytes are not a readable HL7 v2 (ER7) message. The only exception the reader throws on bad input;
 * its message never quotes message content (PHI), only positions and delimiter or charset names.
 */
public class Hl7ParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What was wrong, for callers that answer senders with a classified error (the HL7 source's ACKs). */
    public enum Kind {
        /** No MSH (or FHS/BHS) header where one is required. */
        NO_HEADER,
        /** A header or segment that cannot be read (bad delimiters, a line that is not a segment). */
        MALFORMED,
        /** Bytes not valid in the message's character set, or a character set Java cannot decode. */
        UNDECODABLE
    }

    private final Kind kind;

    public Hl7ParseException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
