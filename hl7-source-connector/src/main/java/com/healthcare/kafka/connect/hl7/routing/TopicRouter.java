package com.healthcare.kafka.connect.hl7.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Chooses the Kafka topic of a message: an {@code hl7.topic.mapping} entry for {@code TYPE^EVENT}, else one for
 * {@code TYPE}, else {@code topic.prefix} + MSH-9.1.
 */
public final class TopicRouter {

    /** Kafka's legal topic characters; 249 is its length limit. */
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9]{1,10}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]{1,10}([\\^_][A-Za-z0-9]{1,10})?");

    private final String prefix;
    private final Map<String, String> mapping;

    private TopicRouter(String prefix, Map<String, String> mapping) {
        this.prefix = prefix;
        this.mapping = mapping;
    }

    /** Parses {@code TYPE[^EVENT]:topic} entries; throws IllegalArgumentException naming the first bad entry. */
    public static TopicRouter of(String prefix, List<String> entries) {
        List<String> problems = mappingProblems(entries);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
        Map<String, String> mapping = new HashMap<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            mapping.put(MessageTypeFilter.normalise(entry.substring(0, colon)), entry.substring(colon + 1).trim());
        }
        return new TopicRouter(prefix == null ? "" : prefix, Map.copyOf(mapping));
    }

    public static boolean isLegalTopic(String topic) {
        return topic != null && LEGAL_TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    /** Messages explaining each malformed mapping entry (empty when all are fine). */
    public static List<String> mappingProblems(List<String> entries) {
        List<String> problems = new ArrayList<>();
        if (entries == null) {
            return problems;
        }
        Map<String, String> seen = new HashMap<>();
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                problems.add("'" + entry + "' is not TYPE[^EVENT]:topic (e.g. ADT^A01:clinical.patient.admitted)");
                continue;
            }
            String key = entry.substring(0, colon).trim();
            String topic = entry.substring(colon + 1).trim();
            if (!KEY.matcher(key).matches()) {
                problems.add("'" + key + "' in '" + entry + "' is not a message type (TYPE or TYPE^EVENT)");
            } else if (!isLegalTopic(topic)) {
                problems.add("'" + topic + "' in '" + entry + "' is not a legal Kafka topic name (letters, digits, "
                        + "'.', '_', '-', at most 249 characters)");
            } else {
                String normalised = MessageTypeFilter.normalise(key);
                String previous = seen.put(normalised, topic);
                if (previous != null && !previous.equals(topic)) {
                    problems.add("'" + key + "' is mapped twice, to '" + previous + "' and '" + topic + "'");
                }
            }
        }
        return problems;
    }

    /** Whether MSH-9.1 {@code type} gives a legal topic name with the prefix (types are short alphanumerics). */
    public static boolean isRoutableType(String type) {
        return type != null && TYPE.matcher(type).matches();
    }

    /** The topic of a message, or null when its type cannot form a topic name (the caller rejects it). */
    public String topicFor(String type, String event) {
        if (type == null) {
            return null;
        }
        String t = type.toUpperCase(Locale.ROOT);
        if (!mapping.isEmpty()) {
            if (event != null && !event.isEmpty()) {
                String exact = mapping.get(t + "^" + event.toUpperCase(Locale.ROOT));
                if (exact != null) {
                    return exact;
                }
            }
            String byType = mapping.get(t);
            if (byType != null) {
                return byType;
            }
        }
        if (!isRoutableType(type)) {
            return null;
        }
        String topic = prefix + t;
        return isLegalTopic(topic) ? topic : null;
    }
}
