package com.healthcare.kafka.connect.hl7.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which message types a listener accepts ({@code hl7.message.types}): entries {@code TYPE} (every trigger event)
 * or {@code TYPE^EVENT}; the seed form {@code TYPE_EVENT} means {@code TYPE^EVENT}. Empty accepts everything.
 */
public final class MessageTypeFilter {

    private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9]{1,10}([\\^_][A-Za-z0-9]{1,10})?");

    private final Set<String> types;
    private final Set<String> typeEvents;

    private MessageTypeFilter(Set<String> types, Set<String> typeEvents) {
        this.types = types;
        this.typeEvents = typeEvents;
    }

    public static MessageTypeFilter acceptAll() {
        return new MessageTypeFilter(Set.of(), Set.of());
    }

    /** Parses the entries; throws IllegalArgumentException naming the first bad entry. */
    public static MessageTypeFilter parse(List<String> entries) {
        List<String> problems = problems(entries);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
        Set<String> types = new HashSet<>();
        Set<String> typeEvents = new HashSet<>();
        for (String raw : entries) {
            String entry = normalise(raw);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.indexOf('^') >= 0) {
                typeEvents.add(entry);
            } else {
                types.add(entry);
            }
        }
        return new MessageTypeFilter(Collections.unmodifiableSet(types), Collections.unmodifiableSet(typeEvents));
    }

    /** Messages explaining each malformed entry (empty when all are fine). */
    public static List<String> problems(List<String> entries) {
        List<String> problems = new ArrayList<>();
        if (entries == null) {
            return problems;
        }
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.trim();
            if (!entry.isEmpty() && !ENTRY.matcher(entry).matches()) {
                problems.add("'" + entry + "' is not a message type: use TYPE or TYPE^EVENT (e.g. ADT or ADT^A01; "
                        + "ADT_A01 also means ADT^A01)");
            }
        }
        return problems;
    }

    static String normalise(String raw) {
        return raw == null ? "" : raw.trim().replace('_', '^').toUpperCase(Locale.ROOT);
    }

    public boolean acceptsAll() {
        return types.isEmpty() && typeEvents.isEmpty();
    }

    /** Whether a message of MSH-9.1 {@code type} and MSH-9.2 {@code event} (may be null) is accepted. */
    public boolean accepts(String type, String event) {
        if (acceptsAll()) {
            return true;
        }
        if (type == null) {
            return false;
        }
        String t = type.toUpperCase(Locale.ROOT);
        if (types.contains(t)) {
            return true;
        }
        return event != null && typeEvents.contains(t + "^" + event.toUpperCase(Locale.ROOT));
    }
}
