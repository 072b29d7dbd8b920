package com.healthcare.kafka.connect.common;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Problems single-key validators cannot see (synonym conflicts, one key requiring another, stores that do not
 * open), keyed by the config key they belong to: how validate() reports them next to ConfigDef's own messages, and
 * how a connector's start fails with all of them at once.
 */
public final class CrossKeyProblems {

    private CrossKeyProblems() {
    }

    /**
     * Adds each key's messages to its config value in {@code values} (a new value, appended, for a key the
     * ConfigDef does not know).
     *
     * @param onlyWhereClean when true, a key ConfigDef already reported keeps only ConfigDef's messages
     */
    public static <T extends List<ConfigValue>> T addTo(T values, Map<String, List<String>> problems,
                                                        boolean onlyWhereClean) {
        Map<String, ConfigValue> byName = new HashMap<>();
        for (ConfigValue value : values) {
            byName.putIfAbsent(value.name(), value);
        }
        problems.forEach((key, messages) -> {
            ConfigValue value = byName.get(key);
            if (value == null) {
                value = new ConfigValue(key);
                values.add(value);
                byName.put(key, value);
            }
            if (!onlyWhereClean || value.errorMessages().isEmpty()) {
                messages.forEach(value::addErrorMessage);
            }
        });
        return values;
    }

    /** Adds {@code message} to the problems of {@code key}. */
    public static void add(Map<String, List<String>> problems, String key, String message) {
        problems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    /** Throws one exception listing every problem ({@code heading} first) unless there are none. */
    public static void throwIfAny(String heading, Map<String, List<String>> problems) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(heading);
        problems.forEach((key, errors) -> errors.forEach(e -> message.append(' ').append(key).append(": ")
                .append(e).append(';')));
        throw new ConfigException(message.toString());
    }
}
