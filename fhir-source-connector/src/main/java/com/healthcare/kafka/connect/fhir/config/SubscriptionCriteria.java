package com.healthcare.kafka.connect.fhir.config;

import java.util.ArrayList;
import java.util.List;

/** The {@code fhir.subscription.criteria} value: several criteria strings, each starting with a resource type. */
public final class SubscriptionCriteria {

    private SubscriptionCriteria() {
    }

    /** Criteria are separated by '|' surrounded by spaces, or by a new line ('|' alone is a token separator). */
    public static List<String> split(String criteria) {
        List<String> result = new ArrayList<>();
        if (criteria == null) {
            return result;
        }
        for (String c : criteria.split("\\s+\\|\\s+|\\r?\\n")) {
            if (!c.isBlank()) {
                result.add(c.trim());
            }
        }
        return result;
    }

    /** The resource type a criteria string starts with ({@code Observation?status=final} -> Observation). */
    public static String type(String criteria) {
        int q = criteria.indexOf('?');
        return (q < 0 ? criteria : criteria.substring(0, q)).trim();
    }
}
