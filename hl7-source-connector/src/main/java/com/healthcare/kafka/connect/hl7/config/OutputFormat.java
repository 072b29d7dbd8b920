package com.healthcare.kafka.connect.hl7.config;

import java.util.Locale;

/** The record value ({@code output.format}). */
public enum OutputFormat {
    /** A Struct named com.healthcare.hl7.Message with header fields and the raw text. */
    STRUCT,
    /** The message text as a plain string. */
    RAW;

    public static OutputFormat of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
