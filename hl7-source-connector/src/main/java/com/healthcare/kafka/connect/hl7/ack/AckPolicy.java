package com.healthcare.kafka.connect.hl7.ack;

import java.util.Locale;

import com.healthcare.kafka.connect.hl7.parse.Hl7Message;

/**
 * Which acknowledgement code a message gets, if any. Original mode (MSH-15 and MSH-16 both empty): the configured
 * AA/AE/AR codes, always sent. Enhanced mode: MSH-15 governs the commit acknowledgement CA/CE/CR, sent after the
 * Kafka commit: AL always, NE never, ER only on failure, SU only on success (an empty MSH-15 next to a set MSH-16
 * counts as AL). The connector is not the receiving application, so it never sends an application ACK (MSH-16).
 */
public final class AckPolicy {

    private final String successCode;
    private final String errorCode;
    private final String rejectionCode;
    private final String successText;
    private final String errorText;
    private final String rejectionText;

    public AckPolicy(String successCode, String errorCode, String rejectionCode,
                     String successText, String errorText, String rejectionText) {
        this.successCode = successCode;
        this.errorCode = errorCode;
        this.rejectionCode = rejectionCode;
        this.successText = successText == null ? "" : successText;
        this.errorText = errorText == null ? "" : errorText;
        this.rejectionText = rejectionText == null ? "" : rejectionText;
    }

    public static AckPolicy defaults() {
        return new AckPolicy("AA", "AE", "AR", "", "Error processing message", "Message rejected");
    }

    /** Whether the message asks for enhanced-mode acknowledgement. */
    public static boolean isEnhanced(Hl7Message message) {
        return message != null && (message.acceptAckType() != null || message.applicationAckType() != null);
    }

    /** The MSA-1 code for this message and outcome, or null when no acknowledgement is due. */
    public String code(Hl7Message message, Outcome outcome) {
        if (!isEnhanced(message)) {
            switch (outcome.kind()) {
                case SUCCESS:
                    return successCode;
                case ERROR:
                    return errorCode;
                default:
                    return rejectionCode;
            }
        }
        String accept = message.acceptAckType() == null ? "AL" : message.acceptAckType().toUpperCase(Locale.ROOT);
        boolean due;
        switch (accept) {
            case "NE":
                due = false;
                break;
            case "ER":
                due = !outcome.isSuccess();
                break;
            case "SU":
                due = outcome.isSuccess();
                break;
            default:
                due = true;
        }
        if (!due) {
            return null;
        }
        switch (outcome.kind()) {
            case SUCCESS:
                return "CA";
            case ERROR:
                return "CE";
            default:
                return "CR";
        }
    }

    /** The acknowledgement text: the configured text, then the reason of a failure. */
    public String text(Outcome outcome) {
        switch (outcome.kind()) {
            case SUCCESS:
                return successText;
            case ERROR:
                return join(errorText, outcome.reason());
            default:
                return join(rejectionText, outcome.reason());
        }
    }

    private static String join(String text, String reason) {
        if (reason == null || reason.isEmpty()) {
            return text;
        }
        return text.isEmpty() ? reason : text + ": " + reason;
    }
}
