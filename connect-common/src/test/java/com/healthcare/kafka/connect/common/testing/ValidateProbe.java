package com.healthcare.kafka.connect.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;

/**
 * Drives a connector's {@code validate()} as PUT .../config/validate does, for the "every config mistake gets one
 * clear message" tests (issue 12) of each plugin.
 */
public final class ValidateProbe {

    private ValidateProbe() {
    }

    /** The keys of {@code connector}'s ConfigDef, sorted (a parameter source). */
    public static Stream<String> keys(Connector connector) {
        return connector.config().configKeys().keySet().stream().sorted();
    }

    /** A value of the wrong type for typed keys; for free-form ones a value no validator should accept twice. */
    public static String wrong(ConfigDef.ConfigKey key) {
        return switch (key.type) {
            case INT, SHORT, LONG, DOUBLE -> "twelve";
            case BOOLEAN -> "maybe";
            case CLASS -> "com.example.NoSuchClass";
            default -> "\u0001 not valid \u0001";
        };
    }

    /** Every error message validate() gives for {@code props}, each as "key: message". */
    public static List<String> messages(Connector connector, Map<String, String> props) {
        List<String> out = new ArrayList<>();
        for (ConfigValue v : connector.validate(props).configValues()) {
            v.errorMessages().forEach(m -> out.add(v.name() + ": " + m));
        }
        return out;
    }

    /** The error messages validate() gives for {@code props}, by key (keys without errors left out). */
    public static Map<String, List<String>> errors(Connector connector, Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : connector.validate(props).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        }
        return errors;
    }

    /**
     * Puts a wrong value for {@code name} into {@code valid} (which must validate clean) and asserts one message
     * for it: exactly one for typed keys, at most one for free-form ones (strings, lists and passwords may accept
     * anything), never Kafka's follow-up "Invalid value null".
     */
    public static void assertOneMessagePerMistake(Connector connector, Map<String, String> valid, String name) {
        ConfigDef.ConfigKey key = connector.config().configKeys().get(name);
        Map<String, String> props = new HashMap<>(valid);
        assertThat(messages(connector, props)).isEmpty();
        props.put(name, wrong(key));
        List<String> messages = messages(connector, props);
        if (key.type != ConfigDef.Type.STRING && key.type != ConfigDef.Type.LIST
                && key.type != ConfigDef.Type.PASSWORD) {
            assertThat(messages).as(name).hasSize(1);
        } else {
            assertThat(messages).as(name).hasSizeLessThanOrEqualTo(1);
        }
        messages.forEach(m -> assertThat(m).as(name).doesNotContain("Invalid value null"));
    }
}
