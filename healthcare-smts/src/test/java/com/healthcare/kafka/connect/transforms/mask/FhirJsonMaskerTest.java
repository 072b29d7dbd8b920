package com.healthcare.kafka.connect.transforms.mask;

import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.IDENTIFIERS;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.mask;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.masker;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.bundleJson;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.patientJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.errors.DataException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;

class FhirJsonMaskerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static IParser strict;

    @BeforeAll
    static void fhir() {
        strict = FhirContext.forR4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }

    @Test
    void safeHarborPatientKeepsOnlyWhatSafeHarborAllowsAndStaysValidFhir() throws Exception {
        String masked = mask(masker("safe-harbor"), patientJson());
        for (String identifier : IDENTIFIERS) {
            assertThat(masked).as("identifier %s", identifier).doesNotContain(identifier);
        }
        JsonNode tree = JSON.readTree(masked);
        assertThat(tree.path("birthDate").asText()).isEqualTo("1980");
        assertThat(tree.has("_birthDate")).as("birthTime extension on the date").isFalse();
        assertThat(tree.path("address").get(0).path("state").asText()).isEqualTo("IL");
        assertThat(tree.path("address").get(0).path("postalCode").asText()).isEqualTo("627");
        assertThat(tree.path("address").get(0).has("line")).isFalse();
        assertThat(tree.path("address").get(0).has("city")).isFalse();
        assertThat(tree.path("address").get(0).has("district")).isFalse();
        assertThat(tree.has("name")).isFalse();
        assertThat(tree.has("telecom")).isFalse();
        assertThat(tree.has("identifier")).isFalse();
        assertThat(tree.has("photo")).isFalse();
        assertThat(tree.has("text")).as("narrative without its div goes").isFalse();
        assertThat(tree.path("meta").has("lastUpdated")).isFalse();
        assertThat(tree.path("gender").asText()).isEqualTo("female");
        assertThat(tree.path("deceasedBoolean").asBoolean(true)).isFalse();
        assertThat(tree.path("extension")).hasSize(1);
        assertThat(tree.path("contact").get(0).path("address").path("postalCode").asText()).isEqualTo("627");
        assertThat(tree.path("generalPractitioner").get(0).path("display").asText()).isEqualTo("Dr Marcus Welby");
        assertThat(tree.path("id").asText()).isEqualTo("pat-a1");
        Patient parsed = strict.parseResource(Patient.class, masked);
        assertThat(parsed.getBirthDateElement().getValueAsString()).isEqualTo("1980");
    }

    @Test
    void everyBundleEntryIsMaskedByItsOwnTypeAndDecimalsKeepTheirPrecision() throws Exception {
        String masked = mask(masker("safe-harbor"), bundleJson());
        for (String identifier : IDENTIFIERS) {
            assertThat(masked).as("identifier %s", identifier).doesNotContain(identifier);
        }
        assertThat(masked).contains("72.50").doesNotContain("Jane Doe").contains("\"Blue Cross\"");
        Bundle bundle = strict.parseResource(Bundle.class, masked);
        assertThat(bundle.getEntry()).hasSize(4);
        Observation obs = (Observation) bundle.getEntry().get(2).getResource();
        assertThat(obs.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024");
        assertThat(obs.getNote()).isEmpty();
        assertThat(bundle.getEntry().get(0).getRequest().getUrl()).isEqualTo("Patient");
        assertThat(bundle.getEntry().get(0).getRequest().getIfNoneExist()).isNull();
        JsonNode tree = JSON.readTree(masked);
        assertThat(tree.path("entry").get(1).path("resource").path("period").path("start").asText()).isEqualTo("2024");
        assertThat(tree.path("entry").get(1).path("resource").path("subject").path("reference").asText())
                .isEqualTo("Patient/pat-a1");
        assertThat(tree.has("timestamp")).isFalse();
    }

    @Test
    void pathsReachEveryArrayMemberAndChoiceTypes() throws Exception {
        String masked = mask(masker("none", "Patient.name.given:replace:X", "Patient.deceased:year",
                "Patient.telecom.value:keep-last:4"), patientJson().replace("\"deceasedBoolean\":false",
                "\"deceasedDateTime\":\"2024-05-20T10:00:00Z\""));
        JsonNode tree = JSON.readTree(masked);
        assertThat(tree.path("name").get(0).path("given").toString()).isEqualTo("[\"X\",\"X\"]");
        assertThat(tree.path("name").get(0).path("family").asText()).isEqualTo("Doe");
        assertThat(tree.path("deceasedDateTime").asText()).isEqualTo("2024");
        assertThat(tree.path("telecom").get(0).path("value").asText()).isEqualTo("***0123");
        assertThat(tree.path("telecom").get(1).path("value").asText()).isEqualTo("***.com");
    }

    @Test
    void pseudonymizeHashesIdentifierValuesAndShiftsAllOfThePatientsDatesTogether() throws Exception {
        PhiMasker m = masker("pseudonymize");
        String masked = mask(m, bundleJson());
        JsonNode tree = JSON.readTree(masked);
        JsonNode patient = tree.path("entry").get(0).path("resource");
        assertThat(patient.path("identifier").get(0).path("value").asText())
                .isEqualTo(m.functions().hash("MRN123456"));
        assertThat(patient.path("identifier").get(0).path("system").asText()).isEqualTo("urn:oid:1.2.3.4");
        int days = m.functions().shiftDays("pat-a1");
        assertThat(patient.path("birthDate").asText())
                .isEqualTo(java.time.LocalDate.of(1980, 5, 17).plusDays(days).toString());
        String effective = tree.path("entry").get(2).path("resource").path("effectiveDateTime").asText();
        assertThat(effective).isEqualTo(java.time.LocalDate.of(2024, 5, 17).plusDays(days) + "T13:00:00+02:00");
        assertThat(masked).doesNotContain("Jane").doesNotContain("123 Main").doesNotContain("MRN123456")
                .doesNotContain("SUB112233");
        strict.parseResource(Bundle.class, masked);
    }

    @Test
    void bytesInBytesOutAndInvalidJsonFailsWithoutQuotingIt() {
        PhiMasker m = masker("safe-harbor");
        byte[] masked = (byte[]) m.maskValue(null, patientJson().getBytes(StandardCharsets.UTF_8), null).value();
        assertThat(new String(masked, StandardCharsets.UTF_8)).doesNotContain("Doe").contains("\"627\"");
        assertThatThrownBy(() -> m.maskValue(null, "{\"resourceType\":\"Patient\",\"name\":\"Jane Doe", null))
                .isInstanceOf(DataException.class).hasMessageNotContaining("Jane")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void schemalessMapsWithAResourceTypeAreFhir() {
        PhiMasker m = masker("safe-harbor");
        Map<String, Object> patient = new HashMap<>();
        patient.put("resourceType", "Patient");
        patient.put("name", List.of(Map.of("family", "Doe")));
        patient.put("birthDate", "1980-05-17");
        patient.put("multipleBirthInteger", 2L);
        @SuppressWarnings("unchecked")
        Map<String, Object> masked = (Map<String, Object>) m.maskValue(null, patient, null).value();
        assertThat(masked).doesNotContainKey("name").containsEntry("birthDate", "1980")
                .containsEntry("multipleBirthInteger", 2L);
    }

    @Test
    void agesOver89BecomeNinetyOrMoreAndOldBirthYearsAreDropped() throws Exception {
        String json = """
                {"resourceType":"Bundle","type":"collection","entry":[
                 {"resource":{"resourceType":"Patient","id":"p","birthDate":"1930-01-02"}},
                 {"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"Patient/p"},
                   "onsetAge":{"value":93,"unit":"years","system":"http://unitsofmeasure.org","code":"a"}}}]}""";
        JsonNode tree = JSON.readTree(mask(masker("safe-harbor"), json));
        assertThat(tree.path("entry").get(0).path("resource").has("birthDate")).isFalse();
        JsonNode age = tree.path("entry").get(1).path("resource").path("onsetAge");
        assertThat(age.path("value").asInt()).isEqualTo(90);
        assertThat(age.path("comparator").asText()).isEqualTo(">=");
    }

    @Test
    void typeRulesWinOverEveryTypeRulesAndContainedResourcesAreMasked() throws Exception {
        String json = """
                {"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"},
                 "identifier":[{"value":"ACC-1"}],
                 "contained":[{"resourceType":"Patient","id":"c1","name":[{"family":"Doe"}],"birthDate":"1980-05-17"}],
                 "subject":{"reference":"#c1"},
                 "note":[{"text":"Jane said hi"}]}""";
        JsonNode tree = JSON.readTree(mask(masker("safe-harbor", "Observation.identifier:keep",
                "Observation.note.text:keep"), json));
        assertThat(tree.path("identifier").get(0).path("value").asText()).isEqualTo("ACC-1");
        assertThat(tree.path("note").get(0).path("text").asText()).isEqualTo("Jane said hi");
        JsonNode contained = tree.path("contained").get(0);
        assertThat(contained.has("name")).isFalse();
        assertThat(contained.path("birthDate").asText()).isEqualTo("1980");
    }
}
