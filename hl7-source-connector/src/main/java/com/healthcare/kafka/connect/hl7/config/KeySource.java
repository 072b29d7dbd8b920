package com.healthcare.kafka.connect.hl7.config;

import java.util.Locale;

/** What becomes the record key ({@code hl7.key.source}). */
public enum KeySource {
    /** PID-3.1 of the first repetition (keeps one patient's messages in one partition, in order). */
    PATIENT_ID,
    /** MSH-10. */
    CONTROL_ID,
    /** No key. */
    NONE;

    public static KeySource of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
