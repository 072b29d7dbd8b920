package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapping as data: built-in tables, code system names, and site overrides from a directory. */
class MappingTablesTest {

    @Test
    void builtInTablesFollowTheIg() {
        MappingTables t = MappingTables.defaults();
        assertThat(t.codingSystem("LN")).isEqualTo("http://loinc.org");
        assertThat(t.codingSystem("SCT")).isEqualTo("http://snomed.info/sct");
        assertThat(t.codingSystem("I10")).isEqualTo("http://hl7.org/fhir/sid/icd-10");
        assertThat(t.codingSystem("CVX")).isEqualTo("http://hl7.org/fhir/sid/cvx");
        assertThat(t.codingSystem("RXNORM")).isEqualTo("http://www.nlm.nih.gov/research/umls/rxnorm");
        assertThat(t.codingSystem("UCUM")).isEqualTo("http://unitsofmeasure.org");
        assertThat(t.codingSystem("HL70078")).isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0078");
        assertThat(t.codingSystem("99LOCAL")).isNull();
        assertThat(t.inV2Table("0203", "MR")).isTrue();
        assertThat(t.inV2Table("0203", "MRN")).isFalse();
        assertThat(t.map("administrative-sex").code("F")).isEqualTo("female");
        assertThat(t.map("patient-class").get("E").code).isEqualTo("EMER");
        assertThat(t.map("event-encounter-status").code("A03")).isEqualTo("finished");
        assertThat(t.map("observation-status").code("c")).as("case-insensitive fallback").isEqualTo("corrected");
    }

    @Test
    void overridesReplaceAddAndRemoveEntries(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("identifier-systems.tsv"), "# site authorities\nHOSP\thttps://hospital.example.org/mrn\n");
        Files.writeString(dir.resolve("coding-systems.tsv"), "99LAB\thttps://hospital.example.org/lab-codes\n");
        Files.writeString(dir.resolve("patient-class.tsv"), "O\tVR\thttp://terminology.hl7.org/CodeSystem/v3-ActCode\tvirtual\n");
        Files.writeString(dir.resolve("administrative-sex.tsv"), "X\t-\n");
        MappingTables t = MappingTables.load(dir);
        assertThat(t.identifierSystem("HOSP")).isEqualTo("https://hospital.example.org/mrn");
        assertThat(t.identifierSystem("SSA")).as("built-ins stay").isEqualTo("http://hl7.org/fhir/sid/us-ssn");
        assertThat(t.map("administrative-sex").code("X")).isNull();
        assertThat(t.map("administrative-sex").code("M")).isEqualTo("male");

        Hl7ToFhirConverter converter = new Hl7ToFhirConverter(ConversionSettings.defaults(), t);
        var b = bundle(converter, msg(msh("ADT^A04", "2.5"), Convert.PID, seg("PV1", 1, "1", 2, "O", 19, "V1^^^HOSP"),
                seg("OBX", 1, "1", 2, "ST", 3, "K1^Local test^99LAB", 5, "x", 11, "F")));
        assertThat(one(b, Patient.class).getIdentifierFirstRep().getSystem()).isEqualTo("https://hospital.example.org/mrn");
        assertThat(one(b, Encounter.class).getClass_().getCode()).isEqualTo("VR");
        assertThat(one(b, Observation.class).getCode().getCodingFirstRep().getSystem())
                .isEqualTo("https://hospital.example.org/lab-codes");
    }

    @Test
    void overrideMistakesAreReportedWithFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("pateint-class.tsv"), "O\tAMB\n");
        assertThatThrownBy(() -> MappingTables.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pateint-class.tsv").hasMessageContaining("patient-class.tsv");
        Files.delete(dir.resolve("pateint-class.tsv"));
        Files.writeString(dir.resolve("patient-class.tsv"), "O\tAMB\nbroken-line-without-tab\n");
        assertThatThrownBy(() -> MappingTables.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> MappingTables.load(dir.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void localCodeSystemsAreScopedToTheirSender() {
        Observation o = one(bundle(msg(msh("ORU^R01", "2.5"), Convert.PID, "OBR|1||F1^LAB|1^Panel^L",
                seg("OBX", 1, "1", 2, "ST", 3, "GLU^Glucose^L", 5, "x", 11, "F"))), Observation.class);
        assertThat(o.getCode().getCodingFirstRep().getSystem()).isEqualTo("urn:id:SENDAPP.SENDFAC.L");
    }
}
