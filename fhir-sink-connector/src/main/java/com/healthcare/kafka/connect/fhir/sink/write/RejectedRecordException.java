package com.healthcare.kafka.connect.fhir.sink.write;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * A record the server refused (400, 404, 409, 412, 422) or that is not something the sink can write (not FHIR R4
 * JSON, a message Bundle, a tombstone without a Type/id key). It goes to the dead letter queue with
 * errors.tolerance=all, otherwise it fails the task with this readable message. The message names the record's
 * target and the server's OperationOutcome, never the record's content.
 */
public class RejectedRecordException extends ConnectException {

    private final int status;

    public RejectedRecordException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the server answered, or 0 when the record was refused before any request. */
    public int status() {
        return status;
    }
}
