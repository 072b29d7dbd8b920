package com.healthcare.kafka.connect.transforms.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MaskRuleTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "PID-19:redact; PID-19; REDACT; ",
            "PID.19:redact; PID-19; REDACT; ",
            "PID-5:hash; PID-5; HASH; ",
            "PID-7:dateshift; PID-7; DATESHIFT; ",
            "PID-11.5:zip3; PID-11.5; ZIP3; ",
            "PID.3.4.1:keep; PID-3.4.1; KEEP; ",
            "Patient.name:replace:[REDACTED]; Patient.name; REPLACE; [REDACTED]",
            "Patient.name:replace; Patient.name; REPLACE; ",
            "after.ssn:hash; after.ssn; HASH; ",
            "patient_name:keep-last:2; patient_name; KEEP_LAST; 2",
            "birth_date:year; birth_date; YEAR; ",
            "age:AGE90; age; AGE90; ",
            "note:replace:a:b; note; REPLACE; a:b"})
    void parsesEveryMethodToken(String text, String path, MaskMethod method, String argument) {
        MaskRule rule = MaskRule.parse(text);
        assertThat(rule.path().canonical()).isEqualTo(path);
        assertThat(rule.method()).isEqualTo(method);
        assertThat(rule.argument()).isEqualTo(argument);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "PID-19; Hl7", "OBX-5.1.2; Hl7", "Patient.address.line; Fhir", "Resource.text.div; Fhir",
            "after.ssn; Field", "Account.account_no; Field", "ssn; Field", "Observation.valueQuantity; Fhir"})
    void classifiesPaths(String path, String kind) {
        assertThat(RulePath.parse(path).getClass().getSimpleName()).isEqualTo(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PID-19", "PID-19:", "PID-19:scramble", "PID-19:redact:x", "PID-19:keep-last",
            "PID-19:keep-last:0", "PID-19:keep-last:x", "MSH-2:redact", "MSH.1:redact", "PID-0:redact",
            ":redact", "a..b:redact"})
    void rejectsBadRulesWithAMessageNamingTheRule(String text) {
        assertThatThrownBy(() -> MaskRule.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.contains(":") && !text.startsWith(":") ? text.substring(0, 3) : "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PID-19:scramble"})
    void unknownMethodListsTheMethods(String text) {
        assertThatThrownBy(() -> MaskRule.parse(text)).hasMessageContaining("redact, replace[:text], hash,"
                + " dateshift, year, age90, zip3, keep-last:N, keep");
        assertThat(List.of(MaskMethod.values())).hasSize(9);
    }
}
