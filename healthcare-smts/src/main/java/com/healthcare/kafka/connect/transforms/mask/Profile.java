package com.healthcare.kafka.connect.transforms.mask;

import java.util.Locale;

/** The built-in rule sets. */
public enum Profile {
    /** No built-in rules: only {@code rules} and {@code fields}. */
    NONE("none"),
    /** 45 CFR 164.514(b)(2), strictly: identifiers removed, never hashed; dates to the year; ages over 89 to 90+. */
    SAFE_HARBOR("safe-harbor"),
    /** Keyed HMAC pseudonyms and per-patient date shifts for research joins. NOT Safe Harbor. */
    PSEUDONYMIZE("pseudonymize");

    private final String token;

    Profile(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public static Profile of(String token) {
        String t = token == null ? "none" : token.trim().toLowerCase(Locale.ROOT);
        for (Profile p : values()) {
            if (p.token.equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown profile " + token);
    }
}
