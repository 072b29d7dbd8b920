package com.healthcare.kafka.connect.transforms.mask;

import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskFunctionsTest {

    static final MaskFunctions FN = new MaskFunctions("0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8),
            "[REDACTED]", MaskFunctions.RESTRICTED_ZIP3, 365, CLOCK);

    static MaskRule rule(String text) {
        return MaskRule.parse("x:" + text);
    }

    @Test
    void redactRemovesAndKeepKeeps() {
        assertThat(FN.apply(rule("redact"), "Jane", null)).isNull();
        assertThat(FN.apply(rule("keep"), "Jane", null)).isEqualTo("Jane");
        assertThat(FN.apply(rule("redact"), "", null)).as("empty stays empty").isEmpty();
    }

    @Test
    void replaceUsesItsTextElseTheReplacement() {
        assertThat(FN.apply(rule("replace"), "Jane", null)).isEqualTo("[REDACTED]");
        assertThat(FN.apply(rule("replace:***:x"), "Jane", null)).isEqualTo("***:x");
    }

    @Test
    void hashIsAKeyedDeterministicMarkedPseudonym() {
        String a = FN.hash("MRN123456");
        assertThat(a).startsWith("hmac-").hasSize(5 + 26).matches("hmac-[a-z2-7]{26}").doesNotContain("123456");
        assertThat(FN.hash(" MRN123456 ")).as("trimmed, so formatting does not break joins").isEqualTo(a);
        assertThat(FN.hash("MRN123457")).isNotEqualTo(a);
        MaskFunctions otherKey = new MaskFunctions("another-key-0123456789".getBytes(StandardCharsets.UTF_8),
                "x", Set.of(), 365, CLOCK);
        assertThat(otherKey.hash("MRN123456")).as("a different key gives different pseudonyms").isNotEqualTo(a);
    }

    @ParameterizedTest
    @CsvSource({
            "19800517, 1980", "198005171230, 1980", "20240517113045.1234+0200, 2024", "1980-05-17, 1980",
            "2024-05-17T13:00:00+02:00, 2024", "2024-05-17 13:00:00, 2024", "05/17/1980, 1980", "1980, 1980",
            "198005, 1980"})
    void yearKeepsOnlyTheYear(String date, String year) {
        assertThat(FN.apply(rule("year"), date, null)).isEqualTo(year);
    }

    @ParameterizedTest
    @CsvSource({"not a date", "19801317", "1980-02-30", "12345", "MRN123456"})
    void dateMethodsRemoveWhatIsNotADate(String text) {
        assertThat(FN.apply(rule("year"), text, null)).isNull();
        assertThat(FN.apply(rule("dateshift"), text, "p")).isNull();
    }

    @ParameterizedTest
    @CsvSource({"19360601, 1936", "19351231, ", "1935-01-01, ", "45, 45", "89, 89", "90, 90+", "104 years, 90+",
            "abc, "})
    void age90(String value, String expected) {
        assertThat(FN.apply(rule("age90"), value, null)).isEqualTo(expected);
    }

    @Test
    void dateshiftOffsetsArePerPatientNonZeroBoundedAndKeepPrecision() {
        Set<Integer> offsets = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int days = FN.shiftDays("patient-" + i);
            assertThat(days).isBetween(-365, 365).isNotZero();
            offsets.add(days);
        }
        assertThat(offsets.size()).as("offsets spread").isGreaterThan(200);
        int d = FN.shiftDays("MRN123456");
        assertThat(FN.shiftDays("MRN123456")).isEqualTo(d);
        LocalDate shifted = LocalDate.of(1980, 5, 17).plusDays(d);
        assertThat(FN.dateshift("1980-05-17", "MRN123456")).isEqualTo(shifted.toString());
        assertThat(FN.dateshift("1980-05-17T08:30:00.123-05:00", "MRN123456"))
                .isEqualTo(shifted + "T08:30:00.123-05:00");
        assertThat(FN.dateshift("198005170830", "MRN123456"))
                .isEqualTo(shifted.toString().replace("-", "") + "0830");
        assertThat(FN.dateshift("1980", "MRN123456")).as("a year alone has no day to move").isEqualTo("1980");
        assertThat(FN.dateshift("1980-05", "MRN123456")).matches("19\\d\\d-\\d\\d");
    }

    @ParameterizedTest
    @CsvSource({"62704, 627", "62704-1234, 627", "627041234, 627", "03601, 000", "89301, 000", "82301-0000, 000",
            "1234, ", "K1A 0B1, ", "6270A, "})
    void zip3(String zip, String expected) {
        assertThat(FN.apply(rule("zip3"), zip, null)).isEqualTo(expected);
    }

    @Test
    void restrictedZip3IsTheHhsList() {
        assertThat(MaskFunctions.RESTRICTED_ZIP3).containsExactlyInAnyOrder("036", "059", "063", "102", "203",
                "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893");
    }

    @Test
    void keepLastShowsOnlyTheLastCharactersBehindAFixedMask() {
        assertThat(FN.apply(rule("keep-last:4"), "123-45-6789", null)).isEqualTo("***6789");
        assertThat(FN.apply(rule("keep-last:2"), "Smith", null)).isEqualTo("***th");
        assertThat(FN.apply(rule("keep-last:4"), "6789", null)).as("too short: nothing shown").isEqualTo("***");
    }
}
