package com.healthcare.kafka.connect.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every config mistake gets one clear message from PUT .../config/validate (issue 12): for each key of the
 * ConfigDef, a wrong value is put into an otherwise valid config and the error messages of all keys are counted.
 */
class OneMessagePerMistakeTest {

    static Stream<String> keys() {
        return Hl7SourceConnectorConfig.CONFIG_DEF.configKeys().keySet().stream().sorted();
    }

    /** A value of the wrong type for typed keys; for free-form ones a value no validator should accept twice. */
    static String wrong(ConfigDef.ConfigKey key) {
        return switch (key.type) {
            case INT, SHORT, LONG, DOUBLE -> "twelve";
            case BOOLEAN -> "maybe";
            case CLASS -> "com.example.NoSuchClass";
            default -> "\u0001 not valid \u0001";
        };
    }

    static List<String> messages(Map<String, String> props) {
        List<String> out = new ArrayList<>();
        for (ConfigValue v : new Hl7SourceConnector().validate(props).configValues()) {
            v.errorMessages().forEach(m -> out.add(v.name() + ": " + m));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("keys")
    void aWrongValueGetsOneMessage(String name) {
        ConfigDef.ConfigKey key = Hl7SourceConnectorConfig.CONFIG_DEF.configKeys().get(name);
        Map<String, String> props = new HashMap<String, String>();
        assertThat(messages(props)).isEmpty();
        props.put(name, wrong(key));
        List<String> messages = messages(props);
        if (key.type != ConfigDef.Type.STRING && key.type != ConfigDef.Type.LIST
                && key.type != ConfigDef.Type.PASSWORD) {
            assertThat(messages).as(name).hasSize(1);
        } else {
            assertThat(messages).as(name).hasSizeLessThanOrEqualTo(1);
        }
        messages.forEach(m -> assertThat(m).as(name).doesNotContain("Invalid value null"));
    }

    @Test
    void aNonNumericPortIsReportedOnce() {
        Map<String, String> props = new HashMap<>();
        props.put("hl7.listener.port", "25x5");
        assertThat(messages(props)).containsExactly("hl7.listener.port: Invalid value 25x5 for configuration"
                + " hl7.listener.port: Not a number of type INT");
    }

    @Test
    void aSynonymsMistakeIsReportedOnce() {
        Map<String, String> props = new HashMap<>();
        props.put("port", "abc");
        assertThat(messages(props)).hasSize(1);
    }
}
