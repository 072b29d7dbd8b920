package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.PID;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.all;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.entry;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;

/** AL1, DG1, PR1, IN1 and IN2 (IG AL1[AllergyIntolerance], DG1[Condition], PR1[Procedure], IN1[Coverage]). */
class ClinicalMappingTest {

    private static final String PV1 = seg("PV1", 1, "1", 2, "I", 19, "V1^^^HOSP", 44, "20240312");

    @Test
    void al1AllergyIntolerance() {
        Bundle b = bundle(msg(msh("ADT^A01", "2.5"), PID, PV1,
                seg("AL1", 1, "1", 2, "DA", 3, "7980^Penicillin G^RXNORM", 4, "SV", 5, "Hives~Anaphylaxis", 6, "20100401"),
                seg("AL1", 1, "2", 2, "FA", 3, "^PEANUTS", 4, "MI")));
        java.util.List<AllergyIntolerance> allergies = all(b, AllergyIntolerance.class);
        assertThat(allergies).hasSize(2);
        AllergyIntolerance pen = allergies.get(0);
        assertThat(pen.getCategory()).extracting(c -> c.getValue().toCode()).containsExactly("medication");
        assertThat(pen.getType().toCode()).isEqualTo("allergy");
        assertThat(pen.getCriticality().toCode()).isEqualTo("high");
        assertThat(pen.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://www.nlm.nih.gov/research/umls/rxnorm");
        assertThat(pen.getReactionFirstRep().getManifestation()).extracting(m -> m.getText())
                .containsExactly("Hives", "Anaphylaxis");
        assertThat(pen.getReactionFirstRep().getSeverity().toCode()).isEqualTo("severe");
        assertThat(pen.getOnsetDateTimeType().getValueAsString()).isEqualTo("2010-04-01");
        assertThat(pen.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("active");
        assertThat(pen.getPatient().getReference()).isEqualTo(entry(b, one(b, Patient.class)).getFullUrl());
        AllergyIntolerance peanut = allergies.get(1);
        assertThat(peanut.getCode().getText()).isEqualTo("PEANUTS");
        assertThat(peanut.getCategory()).extracting(c -> c.getValue().toCode()).containsExactly("food");
        assertThat(peanut.getCriticality().toCode()).isEqualTo("low");
        // No business identifier in AL1: a derived key (patient + allergen) keeps replays idempotent.
        assertThat(entry(b, pen).getRequest().getUrl()).startsWith("AllergyIntolerance?identifier=urn:id:hl7v2-key|");
        assertThat(entry(b, pen).getRequest().getUrl()).isNotEqualTo(entry(b, peanut).getRequest().getUrl());
    }

    @Test
    void dg1ConditionAndEncounterDiagnosis() {
        Bundle b = bundle(msg(msh("ADT^A03", "2.5.1"), PID, PV1,
                seg("DG1", 1, "1", 3, "I21.4^NSTEMI^I10", 4, "Non-ST elevation MI", 5, "20240312", 6, "A", 15, "1",
                        16, "11^DOC^DAN^^^^^^HOSP", 19, "20240313120000", 20, "DX-1^HOSP"),
                seg("DG1", 1, "2", 3, "E11.9^Type 2 diabetes^I10", 6, "F", 15, "2")));
        java.util.List<Condition> conditions = all(b, Condition.class);
        assertThat(conditions).hasSize(2);
        Condition mi = conditions.get(0);
        assertThat(mi.getCode().getCodingFirstRep().getCode()).isEqualTo("I21.4");
        assertThat(mi.getCode().getText()).isEqualTo("Non-ST elevation MI");
        assertThat(mi.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("encounter-diagnosis");
        assertThat(mi.getOnsetDateTimeType().getValueAsString()).isEqualTo("2024-03-12");
        assertThat(mi.getRecordedDateElement().getValueAsString()).isEqualTo("2024-03-13T12:00:00+00:00");
        assertThat(mi.getAsserter().getDisplay()).isEqualTo("DAN DOC");
        assertThat(entry(b, mi).getRequest().getUrl()).isEqualTo("Condition?identifier=urn:id:HOSP|DX-1");
        Encounter e = one(b, Encounter.class);
        assertThat(e.getDiagnosis()).extracting(d -> d.getRank()).containsExactly(1, 2);
        assertThat(e.getDiagnosis().get(0).getUse().getCodingFirstRep().getCode()).isEqualTo("AD");
        assertThat(e.getDiagnosis().get(1).getUse().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0052");
        assertThat(e.getDiagnosis().get(0).getCondition().getReference()).isEqualTo(entry(b, mi).getFullUrl());
    }

    @Test
    void pr1ProcedureWithDuration() {
        Procedure p = one(bundle(msg(msh("ADT^A03", "2.5"), PID, PV1,
                seg("PR1", 1, "1", 3, "0FT44ZZ^Cholecystectomy^I10P", 5, "20240312100000-0500", 6, "A", 7, "95",
                        8, "9^GAS^ANNA^^^DR", 11, "10^CUT^SAM^^^DR", 15, "K80.20^Gallstones^I10", 19, "PR-1^HOSP"))),
                Procedure.class);
        assertThat(p.getStatus().toCode()).isEqualTo("completed");
        assertThat(p.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://www.cms.gov/Medicare/Coding/ICD10");
        assertThat(p.getPerformedPeriod().getStartElement().getValueAsString()).isEqualTo("2024-03-12T10:00:00-05:00");
        assertThat(p.getPerformedPeriod().getEndElement().getValueAsString()).isEqualTo("2024-03-12T11:35:00-05:00");
        assertThat(p.getPerformer()).extracting(x -> x.getFunction().getCodingFirstRep().getCode())
                .containsExactly("88189002", "304292004");
        assertThat(p.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("K80.20");
        assertThat(p.getIdentifierFirstRep().getValue()).isEqualTo("PR-1");
    }

    @Test
    void in1In2CoverageWithPayorAndSubscriber() {
        Bundle b = bundle(msg(msh("ADT^A01", "2.5"), PID, PV1,
                seg("IN1", 1, "1", 2, "PPO1^Gold PPO", 3, "INS01^^^HOSP", 4, "ACME INSURANCE", 5, "1 INS WAY^^CITY^ST^11111",
                        7, "^WPN^PH^^1^800^5550100", 8, "G77", 9, "EMPLOYER GROUP", 12, "20240101", 13, "20241231",
                        15, "PPO", 16, "DOE^JOHN", 17, "SPO^Spouse^HL70063", 18, "19790101", 22, "1", 36, "POL123"),
                seg("IN2", 1, "1", 6, "MCARE1", 61, "MEM9^^^INS01")));
        Coverage c = one(b, Coverage.class);
        assertThat(c.getStatus().toCode()).isEqualTo("active");
        assertThat(c.getIdentifier()).extracting(i -> i.getValue()).containsExactly("POL123", "MCARE1", "MEM9");
        assertThat(entry(b, c).getRequest().getUrl()).isEqualTo("Coverage?identifier=urn:id:policy.INS01|POL123");
        assertThat(c.getSubscriberId()).isEqualTo("POL123");
        assertThat(c.getRelationship().getCodingFirstRep().getCode()).isEqualTo("spouse");
        assertThat(c.getPeriod().getStartElement().getValueAsString()).isEqualTo("2024-01-01");
        assertThat(c.getPeriod().getEndElement().getValueAsString()).isEqualTo("2024-12-31");
        assertThat(c.getClass_()).extracting(x -> x.getType().getCodingFirstRep().getCode(), x -> x.getValue())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("plan", "PPO1"),
                        org.assertj.core.groups.Tuple.tuple("group", "G77"));
        assertThat(c.getOrder()).isEqualTo(1);
        Organization payor = all(b, Organization.class).stream().filter(o -> "ACME INSURANCE".equals(o.getName()))
                .findFirst().orElseThrow();
        assertThat(payor.getName()).isEqualTo("ACME INSURANCE");
        assertThat(payor.getAddressFirstRep().getCity()).isEqualTo("CITY");
        assertThat(payor.getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("ins");
        assertThat(c.getPayorFirstRep().getReference()).isEqualTo(entry(b, payor).getFullUrl());
        RelatedPerson subscriber = one(b, RelatedPerson.class);
        assertThat(c.getSubscriber().getReference()).isEqualTo(entry(b, subscriber).getFullUrl());
        assertThat(subscriber.getNameFirstRep().getFamily()).isEqualTo("DOE");
    }
}
