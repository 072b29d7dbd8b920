package com.healthcare.kafka.connect.hl7.ack;

import com.healthcare.kafka.connect.hl7.parse.ErrorClass;

/** What happened to one message: stored in Kafka, or not (with the class and reason of the failure). */
public final class Outcome {

    /** Result kinds, mapped to AA/AE/AR (original mode) or CA/CE/CR (enhanced mode). */
    public enum Kind { SUCCESS, ERROR, REJECTION }

    public static final Outcome SUCCESS = new Outcome(Kind.SUCCESS, null, null);

    private final Kind kind;
    private final ErrorClass errorClass;
    private final String reason;

    private Outcome(Kind kind, ErrorClass errorClass, String reason) {
        this.kind = kind;
        this.errorClass = errorClass;
        this.reason = reason;
    }

    /** A failure whose kind (AR or AE) follows the error class. */
    public static Outcome failure(ErrorClass errorClass, String reason) {
        return new Outcome(errorClass.isRejection() ? Kind.REJECTION : Kind.ERROR, errorClass, reason);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isSuccess() {
        return kind == Kind.SUCCESS;
    }

    /** Null for success. */
    public ErrorClass errorClass() {
        return errorClass;
    }

    /** Null for success. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return kind + (errorClass == null ? "" : "(" + errorClass.header() + ")");
    }
}
