package com.healthcare.kafka.connect.transforms.mask;

import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.CLOCK;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.mask;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.masker;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
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

    @Test
    void identifyingValuesOfThePeopleAreRemovedWhereverElseTheyAppear() {
        String message = String.join("\r", MSH,
                "PID|1||MRN445566^^^HOSP^MR||QUIMBY^ROSALIND||19800517|F|||12 ELM RD^^PEORIA^IL^61602||(309)555-0142",
                "NK1|1|QUIMBY^THEODORE|SPO|||||||||||||19790203",
                "GT1|1|GUAR-9911|QUIMBY^THEODORE",
                "IN1|1|BC^Blue Cross|BC123|Blue Cross||||||||||||||||||||||||||||||||POL-771122",
                "CTD|PC|HARGREAVES^PENELOPE|1 OAK CT^^PEORIA^IL^61602||(309)555-0177",
                "QPD|Q22^Find Candidates^HL7|Q1|@PID.5.1^QUIMBY~@PID.3.1^MRN445566",
                "ERQ|Q2|Q22|@PID.8^F~MRN445566",
                "ZPI|1|Rosalind Quimby|12 Elm Rd|309 555 0142",
                "XYZ|theodore quimby|POL-771122|GUAR-9911",
                "NTE|1|L|Spoke with Penelope Hargreaves on 555-0177 about Rosalind",
                "OBX|1|ST|1234-5^Comment^L||Patient Quimby, MRN445566, born 19800517||||||F") + "\r";
        for (String profile : List.of("safe-harbor", "pseudonymize")) {
            String masked = mask(masker(profile, "NTE-3:keep", "OBX-5:keep"), message);
            for (String id : List.of("QUIMBY", "Quimby", "quimby", "ROSALIND", "Rosalind", "THEODORE", "theodore",
                    "MRN445566", "12 Elm Rd", "555-0142", "GUAR-9911", "POL-771122", "HARGREAVES", "Hargreaves",
                    "Penelope", "555-0177", "19800517")) {
                assertThat(masked).as("%s under %s", id, profile).doesNotContain(id);
            }
            // what is not the people's stays: segment names, codes, other words
            assertThat(masked).contains("QPD|Q22^Find Candidates^HL7|Q1|").contains("ERQ|Q2|Q22|")
                    .contains("NTE|1|L|Spoke with").contains("about").contains("1234-5^Comment^L||Patient");
        }
        String noProfile = mask(masker("none", "PID-5:redact"), message);
        assertThat(noProfile).as("rules alone reach only what they name").contains("ZPI|1|Rosalind Quimby");
    }

    @Test
    void anAddressWithPartsOutOfPlaceIsMaskedWholeButAValidState() {
        String cityInState = MSH + "\rPID|1||M1||||||||12 ELM RD^^^PEORIA^61602^USA\r";
        assertThat(mask(masker("safe-harbor"), cityInState).split("\r")[1]).isEqualTo("PID|1||||||||||");
        String stateKept = MSH + "\rPID|1||M1||||||||12 ELM RD^^PEORIA^IL^61602^Peoria County\r";
        assertThat(mask(masker("safe-harbor"), stateKept).split("\r")[1]).isEqualTo("PID|1||||||||||^^^IL");
        String inPlace = MSH + "\rPID|1||M1||||||||12 ELM RD^^PEORIA^IL^61602^USA^H\r";
        assertThat(mask(masker("safe-harbor"), inPlace).split("\r")[1])
                .isEqualTo("PID|1||||||||||^^^IL^616^USA^H");
        String nk1 = MSH + "\rNK1|1||||^^^Peoria^61602\r";
        assertThat(mask(masker("pseudonymize"), nk1)).doesNotContain("Peoria");
    }

    @Test
    void contactSegmentsAreMasked() {
        String message = MSH + "\rCTD|PC|HARGREAVES^PENELOPE|1 OAK CT^^PEORIA^IL^61602|4W^401|(309)555-0177||C77^^^HOSP\r";
        String masked = mask(masker("safe-harbor"), message);
        assertThat(masked.split("\r")[1]).isEqualTo("CTD|PC||^^^IL^616||||");
    }

    @Test
    void aFhirAddressWithPartsOutOfPlaceIsMaskedWholeButAValidState() throws Exception {
        String json = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"address\":["
                + "{\"use\":\"home\",\"line\":[\"12 Elm Rd\"],\"state\":\"Peoria\",\"postalCode\":\"61602\",\"country\":\"US\"},"
                + "{\"use\":\"work\",\"city\":\"Peoria\",\"state\":\"IL\",\"country\":\"Tazewell County\"},"
                + "{\"use\":\"home\",\"city\":\"Peoria\",\"state\":\"IL\",\"postalCode\":\"61602\",\"country\":\"USA\"}]}";
        JsonNode masked = JSON.readTree(mask(masker("safe-harbor"), json));
        assertThat(masked.toString()).doesNotContain("Peoria").doesNotContain("Tazewell").doesNotContain("Elm");
        JsonNode addresses = masked.path("address");
        assertThat(addresses.toString()).as("the work address: only its state").contains("{\"state\":\"IL\"}");
        assertThat(addresses.get(addresses.size() - 1).path("postalCode").asText()).isEqualTo("616");
        assertThat(addresses.get(addresses.size() - 1).path("country").asText()).isEqualTo("USA");
    }
}
