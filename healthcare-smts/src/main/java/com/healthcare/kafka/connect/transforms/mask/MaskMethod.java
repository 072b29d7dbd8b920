package com.healthcare.kafka.connect.transforms.mask;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The masking methods, with their rule tokens ({@code path:method[:argument]}). */
public enum MaskMethod {
    /** Removes the value: null in a record, an empty HL7 field, an absent FHIR element. */
    REDACT("redact", Argument.NONE),
    /** Puts a fixed text (the rule's argument, else {@code replacement}) in place of the value. */
    REPLACE("replace", Argument.OPTIONAL_TEXT),
    /** Keyed HMAC-SHA256 pseudonym, deterministic per key so joins still work; marked {@code hmac-}. */
    HASH("hash", Argument.NONE),
    /** Shifts a date by a per-patient offset derived from the HMAC of the patient id; precision kept. */
    DATESHIFT("dateshift", Argument.NONE),
    /** Reduces a date to its year. */
    YEAR("year", Argument.NONE),
    /** Ages over 89 become 90+; a date becomes its year, or is dropped when that year implies an age over 89. */
    AGE90("age90", Argument.NONE),
    /** A ZIP code to its first 3 digits, 000 for the restricted ZIP3 areas. */
    ZIP3("zip3", Argument.NONE),
    /** Keeps only the last N characters, behind a fixed {@code ***} (so the length does not leak). */
    KEEP_LAST("keep-last", Argument.REQUIRED_COUNT),
    /** Leaves the value as it is (overrides a profile). */
    KEEP("keep", Argument.NONE);

    enum Argument { NONE, OPTIONAL_TEXT, REQUIRED_COUNT }

    private final String token;
    private final Argument argument;

    MaskMethod(String token, Argument argument) {
        this.token = token;
        this.argument = argument;
    }

    public String token() {
        return token;
    }

    Argument argument() {
        return argument;
    }

    /** Whether the method needs {@code hash.key}. */
    public boolean needsKey() {
        return this == HASH || this == DATESHIFT;
    }

    /** Methods that read a date (and so leave booleans, which carry none, alone). */
    public boolean isDateMethod() {
        return this == YEAR || this == DATESHIFT || this == AGE90;
    }

    /** The method for a token, or null. Tokens are matched exactly, as documented (case-insensitive). */
    public static MaskMethod forToken(String token) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        for (MaskMethod m : values()) {
            if (m.token.equals(t)) {
                return m;
            }
        }
        return null;
    }

    public static String tokens() {
        return Arrays.stream(values()).map(m -> switch (m.argument) {
            case NONE -> m.token;
            case OPTIONAL_TEXT -> m.token + "[:text]";
            case REQUIRED_COUNT -> m.token + ":N";
        }).collect(Collectors.joining(", "));
    }
}
