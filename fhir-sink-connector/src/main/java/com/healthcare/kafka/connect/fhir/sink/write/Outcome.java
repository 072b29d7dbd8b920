package com.healthcare.kafka.connect.fhir.sink.write;

/**
 * What became of one record's write.
 *
 * @param status what happened
 * @param error  why it was rejected or not confirmed; null when confirmed
 */
public record Outcome(Status status, RuntimeException error) {

    public enum Status {
        /** The server confirmed the write (or a skipped tombstone). */
        CONFIRMED,
        /** The server refused it for good (4xx) or it is not writable: an error record. */
        REJECTED,
        /** Retries ran out (429/5xx/I/O): to be redelivered. */
        TRANSIENT,
        /** An earlier record of its key was not confirmed, so this one was held back: to be redelivered. */
        NOT_ATTEMPTED
    }

    public static final Outcome CONFIRMED = new Outcome(Status.CONFIRMED, null);

    public static Outcome rejected(RuntimeException error) {
        return new Outcome(Status.REJECTED, error);
    }

    public static Outcome transientFailure(RuntimeException error) {
        return new Outcome(Status.TRANSIENT, error);
    }

    public boolean settled() {
        return status == Status.CONFIRMED || status == Status.REJECTED;
    }
}
