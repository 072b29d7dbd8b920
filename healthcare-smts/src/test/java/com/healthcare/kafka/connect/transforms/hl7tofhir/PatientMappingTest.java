package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.all;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.entry;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;

/** PID, PD1, NK1 and MRG (IG PID[Patient], PD1[Patient], NK1[Patient]/[RelatedPerson]). */
class PatientMappingTest {

    @Test
    void pidIdentifiersNamesAndDemographics() {
        Bundle b = bundle(msg(msh("ADT^A08^ADT_A01", "2.5.1"), "EVN||20240312",
                seg("PID", 1, "1", 2, "ALT1^^^OLDSYS", 3, "MRN123^^^HOSP&1.2.840.99&ISO^MR~999-00-1111^^^SSA^SS",
                        4, "X9^^^OLD^PI", 5, "DOE^JANE^Q^JR^DR^^L~SMITH^JJ^^^^^N", 6, "ROE^^^^^^M", 7, "19800101093000",
                        8, "F", 11, "1 MAIN ST^STE 2^TOWN^ST^12345^USA^H^^COUNTY1",
                        13, "^PRN^PH^^1^555^1234567~^NET^Internet^j@x.org", 14, "(555)765-4321",
                        15, "SPA^Spanish^ISO6392", 16, "D^Divorced^HL70002", 20, "DL123^CA^20300101", 24, "Y", 25, "2",
                        29, "202401021530-0500", 30, "Y")));
        Patient p = one(b, Patient.class);
        assertThat(p.getIdentifier()).extracting(Identifier::getSystem, Identifier::getValue).containsExactly(
                org.assertj.core.groups.Tuple.tuple("urn:oid:1.2.840.99", "MRN123"),
                org.assertj.core.groups.Tuple.tuple("http://hl7.org/fhir/sid/us-ssn", "999-00-1111"),
                org.assertj.core.groups.Tuple.tuple("urn:id:OLDSYS", "ALT1"),
                org.assertj.core.groups.Tuple.tuple("urn:id:OLD", "X9"),
                org.assertj.core.groups.Tuple.tuple("urn:id:DLN.CA", "DL123"));
        assertThat(p.getIdentifierFirstRep().getType().getCodingFirstRep().getCode()).isEqualTo("MR");
        assertThat(p.getIdentifierFirstRep().getAssigner().getDisplay()).isEqualTo("HOSP");
        assertThat(entry(b, p).getRequest().getUrl()).isEqualTo("Patient?identifier=urn:oid:1.2.840.99|MRN123");
        assertThat(entry(b, p).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);

        HumanName official = p.getName().get(0);
        assertThat(official.getUse()).isEqualTo(HumanName.NameUse.OFFICIAL);
        assertThat(official.getFamily()).isEqualTo("DOE");
        assertThat(official.getGiven()).extracting(Object::toString).containsExactly("JANE", "Q");
        assertThat(official.getPrefixAsSingleString()).isEqualTo("DR");
        assertThat(official.getSuffixAsSingleString()).isEqualTo("JR");
        assertThat(p.getName().get(1).getUse()).isEqualTo(HumanName.NameUse.NICKNAME);
        assertThat(p.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName")
                .getValue().primitiveValue()).isEqualTo("ROE");

        assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1980-01-01");
        assertThat(p.getBirthDateElement().getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/patient-birthTime")
                .getValue().primitiveValue()).isEqualTo("1980-01-01T09:30:00+00:00");
        assertThat(p.getGender()).isEqualTo(AdministrativeGender.FEMALE);
        assertThat(p.getAddressFirstRep().getLine()).extracting(Object::toString).containsExactly("1 MAIN ST", "STE 2");
        assertThat(p.getAddressFirstRep().getDistrict()).isEqualTo("COUNTY1");
        assertThat(p.getAddressFirstRep().getUse().toCode()).isEqualTo("home");
        // XTN.2 NET (network address) has no ContactPoint.use; an XTN without XTN.2 takes the field's default.
        assertThat(p.getTelecom()).extracting(ContactPoint::getValue, c -> c.getSystem().toCode(),
                        c -> c.getUse() == null ? null : c.getUse().toCode())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("+1 555 1234567", "phone", "home"),
                        org.assertj.core.groups.Tuple.tuple("j@x.org", "email", null),
                        org.assertj.core.groups.Tuple.tuple("(555)765-4321", "phone", "work"));
        assertThat(p.getCommunicationFirstRep().getLanguage().getCodingFirstRep().getCode()).isEqualTo("es");
        assertThat(p.getCommunicationFirstRep().getPreferred()).isTrue();
        assertThat(p.getMaritalStatus().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus");
        assertThat(p.getMaritalStatus().getCodingFirstRep().getCode()).isEqualTo("D");
        assertThat(p.getMultipleBirthIntegerType().getValue()).isEqualTo(2);
        assertThat(p.getDeceasedDateTimeType().getValueAsString()).isEqualTo("2024-01-02T15:30:00-05:00");
    }

    @Test
    void deceasedIndicatorWithoutTimeAndUnknownGender() {
        Patient p = one(bundle(msg(msh("ADT^A08", "2.3"), "PID|1||M1^^^H||DOE^J||1980|U||||||||||||||||||||||Y")),
                Patient.class);
        assertThat(p.getDeceasedBooleanType().getValue()).isTrue();
        assertThat(p.getGender()).isEqualTo(AdministrativeGender.UNKNOWN);
        assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1980");
    }

    @Test
    void patientIsOnlyUpdatedByAdtOtherMessagesCreateIfAbsent() {
        Bundle adt = bundle(msg(msh("ADT^A08", "2.5"), Convert.PID));
        Bundle oru = bundle(msg(msh("ORU^R01", "2.5"), Convert.PID, "OBR|1||F1^LAB|1^T^L", "OBX|1|ST|1^T^L||x||||||F"));
        assertThat(entry(adt, one(adt, Patient.class)).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        Bundle.BundleEntryRequestComponent r = entry(oru, one(oru, Patient.class)).getRequest();
        assertThat(r.getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(r.getIfNoneExist()).isEqualTo("identifier=urn:id:HOSP|MRN123");
    }

    @Test
    void aTransactionNeedsAPatientIdentifier() {
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("ADT^A08", "2.5"), "PID|1||||DOE^JANE")))
                .isInstanceOf(ConversionException.class).hasMessageContaining("PID-3");
    }

    @Test
    void pd1PrimaryCare() {
        Patient p = one(bundle(msg(msh("ADT^A08", "2.5"), Convert.PID,
                "PD1|||FAMILY CLINIC^^C77|555^WELBY^MARCUS^^^DR^^^HOSP")), Patient.class);
        assertThat(p.getGeneralPractitioner()).extracting(r -> r.getDisplay())
                .containsExactly("FAMILY CLINIC", "DR MARCUS WELBY");
    }

    @Test
    void nk1BecomesContactAndRelatedPerson() {
        Bundle b = bundle(msg(msh("ADT^A01", "2.5"), Convert.PID,
                "NK1|1|DOE^JOHN|SPO^Spouse^HL70063|1 MAIN ST^^TOWN^ST^12345|^PRN^PH^^1^555^1112222|^WPN^PH^^1^555^3334444|EC^Emergency Contact^HL70131",
                "NK1|2|ACME CORP|EMR^Employer^HL70063|||^WPN^PH^^1^555^0000000"));
        Patient p = one(b, Patient.class);
        assertThat(p.getContact()).hasSize(2);
        assertThat(p.getContactFirstRep().getName().getFamily()).isEqualTo("DOE");
        assertThat(p.getContactFirstRep().getRelationshipFirstRep().getCodingFirstRep().getCode()).isEqualTo("SPS");
        assertThat(p.getContactFirstRep().getTelecom()).extracting(c -> c.getUse().toCode()).containsExactly("home", "work");
        RelatedPerson rp = one(b, RelatedPerson.class);
        assertThat(rp.getNameFirstRep().getGivenAsSingleString()).isEqualTo("JOHN");
        assertThat(rp.getPatient().getReference()).isEqualTo(entry(b, p).getFullUrl());
        assertThat(entry(b, rp).getRequest().getUrl()).startsWith("RelatedPerson?identifier=urn:id:hl7v2-key|");
    }

    @Test
    void mrgLinksTheMergedPatient() {
        Bundle b = bundle(msg(msh("ADT^A40^ADT_A39", "2.5.1"), "EVN||20240101", Convert.PID,
                "MRG|OLD999^^^HOSP^MR||||||DOE^JANIE"));
        java.util.List<Patient> patients = all(b, Patient.class);
        assertThat(patients).hasSize(2);
        Patient survivor = patients.get(0);
        Patient old = patients.get(1);
        assertThat(old.getActive()).isFalse();
        assertThat(old.getIdentifierFirstRep().getValue()).isEqualTo("OLD999");
        assertThat(old.getNameFirstRep().getGivenAsSingleString()).isEqualTo("JANIE");
        assertThat(old.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
        assertThat(old.getLinkFirstRep().getOther().getReference()).isEqualTo(entry(b, survivor).getFullUrl());
        assertThat(survivor.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACES);
        assertThat(entry(b, old).getRequest().getUrl()).isEqualTo("Patient?identifier=urn:id:HOSP|OLD999");
    }
}
