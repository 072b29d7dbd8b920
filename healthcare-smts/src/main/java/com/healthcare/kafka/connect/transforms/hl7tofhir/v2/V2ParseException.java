package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

/** The text is not a parseable HL7 v2 (ER7) message. Messages never contain message content (PHI). */
public class V2ParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public V2ParseException(String message) {
        super(message);
    }
}
