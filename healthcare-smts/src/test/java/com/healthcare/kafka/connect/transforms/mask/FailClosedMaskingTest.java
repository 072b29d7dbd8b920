package com.healthcare.kafka.connect.transforms.mask;

import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.CLOCK;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.KEY;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Issue 13.6: under a profile, what the masker cannot read is removed, never passed on. */
class FailClosedMaskingTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Dates in forms the parser does not know; the digits at their start once made them pass as ages. */
    static final List<String> ODD_DATES = List.of("19-Jan-1970", "01.02.1970", "3 Feb 1961", "12-31-1950");

    static PhiMasker masker(String profile, String... rules) {
        Map<String, Object> config = new HashMap<>();
        config.put("profile", profile);
        config.put("rules", String.join(",", rules));
        config.put("hash.key", KEY);
        return new PhiMasker(MaskPhiConfig.parse(config), CLOCK);
    }

    static String mask(PhiMasker masker, String text) {
        return (String) masker.maskValue(null, text, null).value();
    }

    static final String MSH = seg("MSH", Map.of(3, "EPIC", 4, "HOSP", 7, "20240517120000", 9, "ADT^A01^ADT_A01",
            10, "M1", 11, "P", 12, "2.5"));

    static Stream<Arguments> birthFields() {
        List<Arguments> args = new ArrayList<>();
        for (String path : List.of("PID-7", "NK1-16", "GT1-8", "IN1-18")) {
            for (String date : ODD_DATES) {
                args.add(Arguments.of(path, date));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("birthFields")
    void aBirthDateTheMaskerCannotReadIsRedacted(String path, String date) {
        String segment = path.substring(0, 3);
        int field = Integer.parseInt(path.substring(4));
        String message = MSH + "\r" + seg(segment, Map.of(1, "1", field, date)) + "\r";
        for (String profile : List.of("safe-harbor", "pseudonymize")) {
            String masked = mask(masker(profile), message);
            assertThat(masked).as(profile).doesNotContain(date);
            assertThat(masked.split("\r")[1]).as(profile).matches(segment + "\\|1\\|*");
        }
    }

    @Test
    void anAgeIsOnlyDigitsAndAYearUnit() {
        MaskFunctions fn = new MaskFunctions(null, "", MaskFunctions.RESTRICTED_ZIP3, 365, CLOCK);
        assertThat(fn.age90("45")).isEqualTo("45");
        assertThat(fn.age90("45 years")).isEqualTo("45 years");
        assertThat(fn.age90("95 y")).isEqualTo("90+");
        assertThat(fn.age90("19800517")).isEqualTo("1980");
        for (String date : ODD_DATES) {
            assertThat(fn.age90(date)).as(date).isNull();
        }
        assertThat(fn.age90("45 Main St")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"19-Jan-1970", "01.02.1970", "3 Feb 1961", "12-31-1950"})
    void aFhirDateElementTheMaskerCannotReadIsRemoved(String date) throws Exception {
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"birthDate\":\"" + date + "\"}";
        String observation = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
                + "\"code\":{\"text\":\"x\"},\"effectiveDateTime\":\"" + date + "\",\"issued\":\"" + date + "\"}";
        String encounter = "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"status\":\"finished\","
                + "\"period\":{\"start\":\"" + date + "\",\"end\":\"2024-05-20\"},\"extension\":[{\"url\":"
                + "\"http://example.org/x\",\"valueDate\":\"" + date + "\"}]}";
        for (String profile : List.of("safe-harbor", "pseudonymize")) {
            PhiMasker masker = masker(profile);
            for (String json : List.of(patient, observation, encounter)) {
                String masked = mask(masker, json);
                assertThat(masked).as(profile + " " + json).doesNotContain(date);
            }
            JsonNode enc = JSON.readTree(mask(masker, encounter));
            assertThat(enc.path("period").has("end")).as("a readable date is kept (masked)").isTrue();
        }
    }

    @Test
    void aFhirStringElementThatIsNotADateIsLeftAlone() throws Exception {
        String json = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
                + "\"code\":{\"text\":\"3 Feb check\"},\"valueString\":\"12-31 series\"}";
        JsonNode masked = JSON.readTree(mask(masker("safe-harbor"), json));
        assertThat(masked.path("code").path("text").asText()).isEqualTo("3 Feb check");
        assertThat(masked.path("valueString").asText()).isEqualTo("12-31 series");
    }

    @Test
    void aLineThatIsNotASegmentIsRemovedUnderAProfile() {
        String message = MSH + "\rPID|1||MRN1^^^HOSP^MR\rOBX|1|NM|2345-7^Glucose^LN||105\n"
                + "Jane Doe phoned 555-0199\nDr.|Jane Doe\r";
        String masked = mask(masker("safe-harbor"), message);
        assertThat(masked).doesNotContain("Jane").doesNotContain("555-0199").contains("OBX|1|NM|2345-7^Glucose^LN||105");
        String rulesOnly = mask(masker("none", "PID-3:redact"), message);
        assertThat(rulesOnly).as("without a profile only the rules apply").contains("Jane Doe phoned");
    }
}
