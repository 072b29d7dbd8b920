package com.healthcare.kafka.connect.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.healthcare.kafka.connect.common.testing.ValidateProbe;

/**
 * Every config mistake gets one clear message from PUT .../config/validate (issue 12): for each key of the
 * ConfigDef, a wrong value is put into an otherwise valid config and the error messages of all keys are counted.
 */
class OneMessagePerMistakeTest {

    static Stream<String> keys() {
        return ValidateProbe.keys(new FhirSourceConnector());
    }

    @ParameterizedTest
    @MethodSource("keys")
    void aWrongValueGetsOneMessage(String name) {
        ValidateProbe.assertOneMessagePerMistake(new FhirSourceConnector(), FhirSourceConnectorConfigTest.minimal(),
                name);
    }

    @Test
    void aBadAuthTypeIsReportedOnce() {
        Map<String, String> props = new HashMap<>(FhirSourceConnectorConfigTest.minimal());
        props.put("fhir.auth.type", "kerberos");
        assertThat(ValidateProbe.messages(new FhirSourceConnector(), props)).hasSize(1)
                .allMatch(m -> m.startsWith("fhir.auth.type: "));
    }
}
