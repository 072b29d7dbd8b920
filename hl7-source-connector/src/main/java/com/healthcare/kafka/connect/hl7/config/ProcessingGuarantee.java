package com.healthcare.kafka.connect.hl7.config;

import java.util.Locale;

/** When the sender gets its positive acknowledgement ({@code processing.guarantee}). */
public enum ProcessingGuarantee {
    /** Acknowledged on receipt, before Kafka has the record: a crash can lose acknowledged messages. */
    AT_MOST_ONCE,
    /** Acknowledged only after Kafka acknowledged the record; a resend after a lost ACK is a duplicate. */
    AT_LEAST_ONCE,
    /** As at-least-once, plus suppression of resent duplicates by (MSH-3, MSH-4, MSH-10). */
    EXACTLY_ONCE;

    public static ProcessingGuarantee of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
