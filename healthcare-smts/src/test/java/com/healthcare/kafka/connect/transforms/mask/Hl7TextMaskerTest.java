package com.healthcare.kafka.connect.transforms.mask;

import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.CLOCK;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.IDENTIFIERS;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.mask;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.masker;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.adtA01;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;

class Hl7TextMaskerTest {

    static Message parse(String text) throws HL7Exception {
        try (HapiContext context = new DefaultHapiContext()) {
            context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
            return context.getPipeParser().parse(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> segmentNames(String text) {
        return Arrays.stream(text.split("\r")).map(s -> s.substring(0, 3)).toList();
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(strings = {"2.3", "2.5", "2.8.1"})
    void safeHarborRemovesEveryIdentifierAndTheMessageStillParsesWithEverySegment(String version) throws Exception {
        String original = adtA01(version);
        Message before = parse(original); // the fixture itself is valid for HAPI
        String masked = mask(masker("safe-harbor"), original);

        for (String identifier : IDENTIFIERS) {
            assertThat(masked).as("identifier %s", identifier).doesNotContain(identifier);
        }
        assertThat(segmentNames(masked)).isEqualTo(segmentNames(original));
        assertThat(masked).endsWith("\r");
        Message after = parse(masked);
        assertThat(after.getClass()).isEqualTo(before.getClass());
        Terser t = new Terser(after);
        assertThat(t.get("/PID-3-1")).isNull();
        assertThat(t.get("/PID-5-1")).isNull();
        assertThat(t.get("/PID-7-1")).isEqualTo("1980");
        assertThat(t.get("/PID-8")).isEqualTo("F");
        assertThat(t.get("/PID-11-4")).isEqualTo("IL");
        assertThat(t.get("/PID-11-5")).isEqualTo("627");
        assertThat(t.get("/PID-11-6")).isEqualTo("USA");
        assertThat(t.get("/PID-11-1")).isNull();
        assertThat(t.get("/PID-11-3")).isNull();
        assertThat(t.get("/PV1-44-1")).isEqualTo("2024");
        assertThat(t.get("/PV1-45-1")).isEqualTo("2024");
        assertThat(t.get("/MSH-7-1")).isEqualTo("2024");
        assertThat(t.get("/MSH-10")).isEqualTo("MSG0001");
        assertThat(t.get("/PV1-7-2")).as("providers are not the patient").isEqualTo("WELBY");
        assertThat(t.get("/PV1-3-1")).isEqualTo("4W");
        assertThat(masked).contains("OBX|3|SN|30525-0^Age^LN||>=^90|");
        assertThat(masked).contains("NTE|1|L|\r");
    }

    @Test
    void ruleAppliesToEveryOccurrenceOfTheSegmentAndEveryRepetition() {
        String text = String.join("\r", seg("MSH", Map.of(9, "ORU^R01", 10, "1", 12, "2.5")),
                seg("PID", Map.of(3, "A1^^^X~A2^^^Y~A3")),
                seg("OBX", Map.of(1, "1", 2, "ST", 5, "secret-1~secret-2")),
                seg("OBX", Map.of(1, "2", 2, "ST", 5, "secret-3")));
        String masked = mask(masker("none", "OBX-5:replace:[X]", "PID-3.1:redact"), text);
        assertThat(masked).contains("OBX|1|ST|||[X]~[X]").contains("OBX|2|ST|||[X]")
                .contains("PID|||^^^X~^^^Y~\r").doesNotContain("secret").doesNotContain("A1").doesNotContain("A3");
    }

    @Test
    void componentAndSubcomponentRulesOverrideTheFieldRule() {
        String text = String.join("\r", seg("MSH", Map.of(9, "ADT^A01", 10, "1", 12, "2.5")),
                seg("PID", Map.of(3, "123&ext^9^M10^AUTH&1.2.3&ISO^MR")));
        String masked = mask(masker("none", "PID-3:redact", "PID-3.4:keep", "PID-3.1.2:replace:x"), text);
        assertThat(masked).endsWith("PID|||&x^^^AUTH&1.2.3&ISO");
    }

    @Test
    void escapedDelimitersAreUnescapedForTheMethodAndReplacementsAreEscaped() {
        String text = String.join("\r", seg("MSH", Map.of(9, "ADT^A01", 10, "1", 12, "2.5")),
                seg("PID", Map.of(3, "AB\\S\\12", 5, "O\\T\\BRIEN^PAT", 19, "12\\F\\34")));
        PhiMasker m = masker("none", "PID-3.1:hash", "PID-5:replace:A|B^C", "PID-19:keep-last:3");
        String masked = mask(m, text);
        String expectedHash = m.functions().hash("AB^12");
        assertThat(masked).contains("PID|||" + expectedHash + "|").contains("|A\\F\\B\\S\\C|")
                .endsWith("|***\\F\\34");
        assertThat(segmentNames(masked)).containsExactly("MSH", "PID");
    }

    @Test
    void declaredDelimitersAreUsed() {
        String msh = "MSH#!@%$#APP#FAC#####ADT!A01#1#P#2.5\r";
        String text = msh + "PID###MRN1!!!AUTH@MRN2" + "#".repeat(16) + "SSN99\r";
        String masked = mask(masker("none", "PID-3.1:redact", "PID-19:redact"), text);
        assertThat(masked).isEqualTo(msh + "PID###!!!AUTH@" + "#".repeat(16) + "\r");
    }

    @Test
    void batchesAndCrLfTerminatorsAreKept() {
        String msg1 = seg("MSH", Map.of(9, "ADT^A01", 10, "1", 12, "2.5")) + "\r\n"
                + seg("PID", Map.of(3, "P1", 7, "19800517"));
        String msg2 = seg("MSH", Map.of(9, "ADT^A01", 10, "2", 12, "2.5")) + "\r\n"
                + seg("PID", Map.of(3, "P2", 7, "19700101"));
        String batch = "FHS|^~\\&|APP\r\nBHS|^~\\&|APP\r\n" + msg1 + "\r\n" + msg2 + "\r\nBTS|2\r\nFTS|1\r\n";
        String masked = mask(masker("safe-harbor"), batch);
        assertThat(masked).doesNotContain("P1").doesNotContain("P2").doesNotContain("0517")
                .contains("PID|||||||1980\r\n").contains("PID|||||||1970\r\n").startsWith("FHS|^~\\&|APP\r\n")
                .endsWith("BTS|2\r\nFTS|1\r\n");
    }

    @Test
    void dateshiftMovesAllOfOnePatientsDatesByTheSameOffsetAndKeepsPrecision() {
        PhiMasker m = masker("none", "PID-7:dateshift", "PV1-44:dateshift", "EVN-2:dateshift");
        String text = String.join("\r", seg("MSH", Map.of(9, "ADT^A01", 10, "1", 12, "2.5")),
                seg("EVN", Map.of(1, "A01", 2, "202405171230")),
                seg("PID", Map.of(3, "MRN123456^^^H^MR", 7, "19800517")),
                seg("PV1", Map.of(2, "I", 44, "20240517113045.12+0200")));
        String masked = mask(m, text);
        int days = m.functions().shiftDays("MRN123456");
        java.time.LocalDate birth = java.time.LocalDate.of(1980, 5, 17).plusDays(days);
        java.time.LocalDate admit = java.time.LocalDate.of(2024, 5, 17).plusDays(days);
        String b = String.format("%04d%02d%02d", birth.getYear(), birth.getMonthValue(), birth.getDayOfMonth());
        String a = String.format("%04d%02d%02d", admit.getYear(), admit.getMonthValue(), admit.getDayOfMonth());
        assertThat(days).isNotZero();
        assertThat(masked).contains("EVN|A01|" + a + "1230").contains("|" + b + "\r")
                .endsWith("|" + a + "113045.12+0200");
    }

    @Test
    void pseudonymizeHashesTheMrnConsistentlyAndKeepsItsAuthority() {
        PhiMasker m = masker("pseudonymize");
        String masked = mask(m, adtA01("2.5"));
        String pseudonym = m.functions().hash("MRN123456");
        assertThat(masked).contains("|" + pseudonym + "^^^HOSP^MR~").doesNotContain("MRN123456")
                .doesNotContain("123-45-6789").doesNotContain("DOE^JANE").doesNotContain("19800517");
        assertThat(mask(m, adtA01("2.5"))).as("deterministic").isEqualTo(masked);
    }

    @Test
    void obx5IsMaskedByValueTypeAndFreeTextCanBeKept() {
        String text = adtA01("2.5");
        Map<String, Object> config = new HashMap<>();
        config.put("profile", "safe-harbor");
        config.put("free.text", "keep");
        String masked = mask(new PhiMasker(MaskPhiConfig.parse(config), CLOCK), text);
        // the free text stays, but the patient's name and phone in it go (issue 13.6: identity sweep)
        assertThat(masked).contains("||Called  at home|").doesNotContain("JVBERi0");
        assertThat(masked).contains("NTE|1|L|Called   at \r");
    }

    @Test
    void zSegmentsAndUnknownSegmentsAreKeptAsTheyAre() {
        String text = String.join("\r", seg("MSH", Map.of(9, "ADT^A01", 10, "1", 12, "2.5")),
                seg("ZPI", Map.of(1, "custom", 2, "data")), seg("PID", Map.of(3, "M1")));
        String masked = mask(masker("safe-harbor"), text);
        assertThat(masked).contains("ZPI|custom|data").doesNotContain("M1");
    }

    @Test
    void userRulesOverrideTheProfile() {
        String masked = mask(masker("safe-harbor", "PID-8:redact", "PID-19:keep-last:4", "PID-7:keep"),
                adtA01("2.5"));
        assertThat(masked).contains("|19800517|||").contains("|***6789|");
    }

    @Test
    void eachMessageOfABatchShiftsByItsOwnPatient() {
        PhiMasker m = masker("none", "PID-7:dateshift");
        String batch = "BHS|^~\\&|APP\r" + seg("MSH", Map.of(9, "ADT^A01", 10, "1", 12, "2.5")) + "\r"
                + seg("PID", Map.of(3, "P1", 7, "19800517")) + "\r" + seg("MSH", Map.of(9, "ADT^A01", 10, "2",
                12, "2.5")) + "\r" + seg("PID", Map.of(3, "P2", 7, "19800517")) + "\rBTS|2\r";
        String masked = mask(m, batch);
        for (String patient : List.of("P1", "P2")) {
            java.time.LocalDate d = java.time.LocalDate.of(1980, 5, 17).plusDays(m.functions().shiftDays(patient));
            assertThat(masked).contains("PID|||" + patient + "||||" + d.toString().replace("-", ""));
        }
    }

    @Test
    void wholeFieldMethodsActOnEachRepetition() {
        String text = String.join("\r", seg("MSH", Map.of(9, "ADT^A01", 10, "1", 12, "2.5")),
                seg("PID", Map.of(5, "DOE^JANE~ROE^J", 13, "(217)555-0123^PRN^PH~^NET^Internet^a@b.org")));
        PhiMasker m = masker("none", "PID-5:hash", "PID-13:keep-last:4");
        String masked = mask(m, text);
        assertThat(masked).endsWith("|" + m.functions().hash("DOE^JANE") + "~" + m.functions().hash("ROE^J")
                + "||||||||***0123~"); // an e-mail-only XTN has no first component: nothing kept
    }
}
