package com.healthcare.kafka.connect.fhir;

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
        return FhirSourceConnectorConfig.CONFIG_DEF.configKeys().keySet().stream().sorted();
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
        for (ConfigValue v : new FhirSourceConnector().validate(props).configValues()) {
            v.errorMessages().forEach(m -> out.add(v.name() + ": " + m));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("keys")
    void aWrongValueGetsOneMessage(String name) {
        ConfigDef.ConfigKey key = FhirSourceConnectorConfig.CONFIG_DEF.configKeys().get(name);
        Map<String, String> props = new HashMap<>(FhirSourceConnectorConfigTest.minimal());
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
    void aBadAuthTypeIsReportedOnce() {
        Map<String, String> props = new HashMap<>(FhirSourceConnectorConfigTest.minimal());
        props.put("fhir.auth.type", "kerberos");
        assertThat(messages(props)).hasSize(1).allMatch(m -> m.startsWith("fhir.auth.type: "));
    }
}
