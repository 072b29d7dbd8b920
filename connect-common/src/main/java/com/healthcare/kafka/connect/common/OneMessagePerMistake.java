package com.healthcare.kafka.connect.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.config.ConfigValue;

/**
 * Trims what {@code ConfigDef.validate} reports to one message per mistake. Two warts of Kafka's ConfigDef: a value
 * that does not parse (a non-numeric port) is then validated as {@code null}, adding "Invalid value null ... must
 * be non-null" to the parse error; and a key with dependents is validated again for each of them, repeating its
 * message once per dependent.
 */
public final class OneMessagePerMistake {

    private OneMessagePerMistake() {
    }

    /** Removes repeated messages and the follow-up {@code null} message of a parse error, in place. */
    public static <T extends Iterable<ConfigValue>> T apply(T values) {
        for (ConfigValue value : values) {
            List<String> messages = value.errorMessages();
            if (messages.size() < 2) {
                continue;
            }
            Set<String> distinct = new LinkedHashSet<>(messages);
            List<String> kept = new ArrayList<>();
            String nullValue = "Invalid value null for configuration " + value.name() + ":";
            for (String message : distinct) {
                if (!message.startsWith(nullValue)) {
                    kept.add(message);
                }
            }
            // ConfigValue has no setter: its list is its state
            messages.clear();
            messages.addAll(kept.isEmpty() ? distinct : kept);
        }
        return values;
    }
}
