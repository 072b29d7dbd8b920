package com.healthcare.kafka.connect.transforms.hl7tofhir;

/**
 * A message that cannot be turned into a valid FHIR Bundle. The message names the segment and field, never
 * their content (which is PHI), so it can go into logs and error headers.
 */
public class ConversionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConversionException(String message) {
        super(message);
    }

    public ConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
