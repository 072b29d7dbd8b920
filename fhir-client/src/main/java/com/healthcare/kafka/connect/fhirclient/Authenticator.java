package com.healthcare.kafka.connect.fhirclient;

/** Supplies the Authorization header of FHIR requests. */
public interface Authenticator {

    /** The Authorization header value, or null for none. May fetch a token (blocking). */
    String authorization() throws InterruptedException;

    /**
     * Called after a 401 to {@code usedAuthorization}. Returns true when a retry with a fresh credential makes
     * sense (an OAuth2 token that the next {@link #authorization()} replaces), false when the credential is static.
     */
    default boolean invalidate(String usedAuthorization) {
        return false;
    }

    /** What to tell the user after a 401 that a retry did not cure. */
    String describe();

    static Authenticator none() {
        return new Authenticator() {
            @Override
            public String authorization() {
                return null;
            }

            @Override
            public String describe() {
                return "no credentials are configured (fhir.auth.type=none)";
            }
        };
    }

    static Authenticator fixed(String headerValue, String description) {
        return new Authenticator() {
            @Override
            public String authorization() {
                return headerValue;
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
