package com.healthcare.kafka.connect.fhirclient;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * A request to the FHIR server (or token endpoint) that did not succeed. {@link #transientFailure()} tells
 * whether it ran out of retries on 429/5xx/I/O errors (the task keeps running and tries again later) or was
 * refused for good (4xx, bad credentials, unreadable response: the task fails with this message). Messages carry
 * the status and the server's OperationOutcome in readable form, never request bodies.
 */
public class FhirException extends ConnectException {

    private final int status;
    private final boolean transientFailure;

    public FhirException(String message, int status, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.transientFailure = transientFailure;
    }

    public FhirException(String message, int status, boolean transientFailure) {
        this(message, status, transientFailure, null);
    }

    /** HTTP status, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    public boolean transientFailure() {
        return transientFailure;
    }
}
