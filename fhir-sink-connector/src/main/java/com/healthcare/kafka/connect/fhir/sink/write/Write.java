package com.healthcare.kafka.connect.fhir.sink.write;

import java.util.Map;

/**
 * What one record asks of the FHIR server, planned from its value (and key, for tombstones).
 *
 * @param kind         the interaction
 * @param laneKey      records of one lane are written in order, never two at once (the Kafka key)
 * @param resourceType the resource type (Bundle for {@link Kind#BUNDLE})
 * @param url          relative to the base URL: "" for a Bundle, "Type", "Type/id" or "Type?identifier=..."
 * @param body         the JSON to send, exactly as the record held it; null for DELETE and SKIP
 * @param ifNoneExist  the conditional create's search ("identifier=system|value"), or null
 */
public record Write(Kind kind, String laneKey, String resourceType, String url, byte[] body, String ifNoneExist) {

    /** The interactions the sink performs. */
    public enum Kind {
        /** A transaction or batch Bundle, POSTed to the base URL as it is. */
        BUNDLE("POST"),
        /** Upsert of a resource with an id. */
        UPDATE("PUT"),
        /** A resource without an id: plain create. */
        CREATE("POST"),
        /** A resource without an id, created once through If-None-Exist on its identifier. */
        CONDITIONAL_CREATE("POST"),
        /** A resource without an id, created or updated through its identifier. */
        CONDITIONAL_UPDATE("PUT"),
        /** A tombstone with key Type/id. */
        DELETE("DELETE"),
        /** A tombstone while deletes are disabled: confirmed without a request. */
        SKIP(null);

        private final String method;

        Kind(String method) {
            this.method = method;
        }

        public String method() {
            return method;
        }
    }

    /** Extra request headers of the single request. */
    public Map<String, String> headers() {
        return ifNoneExist == null ? Map.of() : Map.of("If-None-Exist", ifNoneExist);
    }

    /** Whether this write may share a transaction or batch Bundle with others. */
    public boolean groupable() {
        return kind != Kind.BUNDLE && kind != Kind.SKIP;
    }

    /** For messages and logs: the interaction and the target, never the body. */
    public String describe() {
        return kind == Kind.SKIP ? "skipped tombstone" : kind.method() + " " + (url.isEmpty() ? "[base]" : url);
    }
}
