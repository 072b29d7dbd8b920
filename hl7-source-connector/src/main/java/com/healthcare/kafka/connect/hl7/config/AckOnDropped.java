package com.healthcare.kafka.connect.hl7.config;

import java.util.Locale;

/** The answer when Connect reports a record as not written (filtered by a transform, or a tolerated failure). */
public enum AckOnDropped {
    /** AE (or CE): the sender knows the message is not in Kafka. */
    ERROR,
    /** AA (or CA): intentional filtering is treated as handled. */
    ACCEPT;

    public static AckOnDropped of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
