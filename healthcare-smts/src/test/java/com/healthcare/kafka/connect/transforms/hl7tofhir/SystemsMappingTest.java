package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.all;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Identifier systems (table 0203, assigning authorities, OIDs) and coding system URIs (table 0396 to THO). */
class SystemsMappingTest {

    private static String msh(String country) {
        return "MSH|^~\\&|APP|FAC|R|RF|20240312083015||ADT^A01|C1|P|2.5.1" + (country == null ? "" : "|||||" + country);
    }

    private static List<String> systems(Patient p) {
        return p.getIdentifier().stream().map(i -> i.getSystem() + "|" + i.getValue()).collect(Collectors.toList());
    }

    @Test
    void anAuthorityNamedSsnIsAUsSsnOnlyInAUsMessage() {
        String pid = "PID|1||MRN1^^^HOSP^MR~12345678901^^^SSN^SS";
        assertThat(systems(one(bundle(msg(msh("USA"), pid)), Patient.class)))
                .contains("http://hl7.org/fhir/sid/us-ssn|12345678901");
        assertThat(systems(one(bundle(msg(msh("NOR"), pid)), Patient.class)))
                .contains("urn:id:SSN|12345678901").doesNotContain("http://hl7.org/fhir/sid/us-ssn|12345678901");
        assertThat(systems(one(bundle(msg(msh(null), pid)), Patient.class))).as("no country given")
                .contains("urn:id:SSN|12345678901");
        // The patient's address country is the context when MSH-17 is empty.
        assertThat(systems(one(bundle(msg(msh(null), pid + "||||||||^^Oslo^^0150^NOR")), Patient.class)))
                .contains("urn:id:SSN|12345678901");
        // The US Social Security Administration is US whatever the message says.
        assertThat(systems(one(bundle(msg(msh("NOR"), "PID|1||MRN1^^^HOSP^MR~999-00-1111^^^SSA^SS")), Patient.class)))
                .contains("http://hl7.org/fhir/sid/us-ssn|999-00-1111");
        // PID-19 outside the US is a national number of its own.
        assertThat(systems(one(bundle(msg(msh("NLD"), seg("PID", 1, "1", 3, "MRN1^^^HOSP^MR", 19, "123456782"))),
                Patient.class))).contains("urn:id:SSN|123456782");
        assertThat(systems(one(bundle(msg(msh(null), seg("PID", 1, "1", 3, "MRN1^^^HOSP^MR", 19, "999-00-1111"))),
                Patient.class))).contains("http://hl7.org/fhir/sid/us-ssn|999-00-1111");
    }

    @Test
    void anInvalidOidNeverBecomesAnOidUrn() {
        Patient p = one(bundle(msg(msh(null), "PID|1||MRN1^^^HOSP&1.2.03.4&ISO^MR~MRN2^^^&2.999.x&ISO^PI"
                        + "~MRN3^^^CLINIC&2.16.840.1.113883.19.5&ISO^PI")), Patient.class);
        assertThat(systems(p)).containsExactly("urn:id:HOSP|MRN1", "urn:id:2.999.x|MRN2",
                "urn:oid:2.16.840.1.113883.19.5|MRN3");
        Bundle b = bundle(msg(msh(null), "PID|1||MRN1^^^HOSP^MR",
                seg("PV1", 1, "1", 2, "I", 3, "4W^401^A^HOSP&1.2.03.4&ISO", 19, "V1^^^HOSP")));
        for (Location l : all(b, Location.class)) {
            assertThat(l.getIdentifier()).extracting(Identifier::getValue).noneMatch(v -> v.startsWith("urn:oid:"));
        }
    }

    @Test
    void codingSystemNamesMapToTheUrisThoPublishes() {
        Observation o = one(bundle(msg("MSH|^~\\&|APP|FAC|R|RF|20240312083015||ORU^R01|C1|P|2.5.1",
                "PID|1||MRN1^^^HOSP^MR", seg("OBR", 1, "1", 3, "F1^LAB", 4, "X^Panel^L", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, "CWE", 3, "C12345^Tumor size^NCIT^123^Alt^SNM", 5,
                        "J01CA04^Amoxicillin^WC^207.6^Taxonomy^HCPT", 11, "F"))), Observation.class);
        assertThat(o.getCode().getCoding()).extracting(c -> c.getSystem()).containsExactly(
                "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "http://terminology.hl7.org/CodeSystem/snm");
        assertThat(o.getValueCodeableConcept().getCoding()).extracting(c -> c.getSystem())
                .containsExactly("http://www.whocc.no/atc", "http://nucc.org/provider-taxonomy");
        MappingTables t = MappingTables.defaults();
        assertThat(t.codingSystem("MVX")).isEqualTo("http://hl7.org/fhir/sid/mvx");
        assertThat(t.codingSystem("C5")).isEqualTo("http://terminology.hl7.org/CodeSystem/C5");
        assertThat(t.codingSystem("HCPCS")).isEqualTo("http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets");
        assertThat(t.codingSystem("ATC")).as("0396 ATC is the American Type Culture Collection").isNull();
        assertThat(t.codingSystem("SCT2")).as("legacy alphanumeric SNOMED codes are not SCTIDs").isNull();
        assertThat(t.codingSystem("ICD10CA")).isEqualTo("http://hl7.org/fhir/sid/icd-10-ca");
    }
}
