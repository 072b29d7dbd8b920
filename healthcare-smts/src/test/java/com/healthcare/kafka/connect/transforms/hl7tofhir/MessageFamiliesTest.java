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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.NutritionOrder;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Specimen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The message families beyond ADT/ORU/ORM/OML/VXU/SIU/MDM/RDE (issue 14.5), one test or more per family. */
class MessageFamiliesTest {

    private static final String PV1 = "PV1|1|I|W1^101^A||||||||||||||||V100^^^HOSP^VN";

    @Test
    void oulR22SpecimenFirstResultsAreADiagnosticReport() {
        Bundle b = bundle(msg(msh("OUL^R22^OUL_R22", "2.5.1"), PID, PV1,
                seg("SPM", 1, "1", 2, "S1^LAB", 4, "BLD^Blood^HL70487", 17, "20240310080000-0500"),
                seg("OBR", 1, "1", 2, "P1^EHR", 3, "F1^LAB", 4, "2345-7^Glucose^LN", 7, "20240310080000-0500",
                        25, "F"),
                seg("ORC", 1, "SC", 2, "P1^EHR", 3, "F1^LAB", 5, "CM"),
                seg("OBX", 1, "1", 2, "NM", 3, "2345-7^Glucose^LN", 5, "95", 6, "mg/dL^mg/dL^UCUM", 7, "70-99",
                        11, "F")));
        DiagnosticReport report = one(b, DiagnosticReport.class);
        Observation glucose = one(b, Observation.class);
        assertThat(report.getResultFirstRep().getReference()).isEqualTo(entry(b, glucose).getFullUrl());
        assertThat(glucose.getValueQuantity().getValue()).isEqualByComparingTo("95");
        assertThat(glucose.getValueQuantity().getCode()).isEqualTo("mg/dL");
        assertThat(one(b, Specimen.class).getType().getCodingFirstRep().getCode()).isEqualTo("BLD");
    }

    @Test
    void barP01IsPatientAndVisitNeverAuthoritativeOverAdt() {
        Bundle b = bundle(msg(msh("BAR^P01^BAR_P01", "2.5"), "EVN|P01|20240310080000", PID, PV1,
                seg("DG1", 1, "1", 3, "I10^Hypertension^I10", 6, "F"),
                seg("IN1", 1, "1", 2, "PLAN1^Gold", 3, "PAY1^^^HOSP^XX", 4, "ACME INSURANCE")));
        Patient p = one(b, Patient.class);
        // BAR is the billing feed: it creates the patient if absent but never overwrites what ADT said.
        assertThat(entry(b, p).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(one(b, Encounter.class).getIdentifierFirstRep().getValue()).isEqualTo("V100");
        assertThat(one(b, Condition.class).getCode().getCodingFirstRep().getCode()).isEqualTo("I10");
    }

    @Test
    void dftP03ChargesBecomeChargeItemsAndPaymentsAreNotCharges() {
        Bundle b = bundle(msg(msh("DFT^P03^DFT_P03", "2.5"), "EVN|P03|20240310080000", PID, PV1,
                seg("FT1", 1, "1", 2, "T100", 4, "20240309", 6, "CG", 7, "80053^Metabolic panel^C4", 10, "2",
                        11, "45.50&USD", 19, "I10^Hypertension^I10", 20, "77^WELBY^MARCUS^^^DR"),
                seg("FT1", 1, "2", 2, "T101", 4, "20240309", 6, "PY", 7, "CASH^Cash payment^99PAY", 11, "20.00&USD")));
        ChargeItem charge = one(b, ChargeItem.class);
        assertThat(charge.getIdentifierFirstRep().getValue()).isEqualTo("T100");
        assertThat(charge.getStatus().toCode()).isEqualTo("billable");
        assertThat(charge.getCode().getCodingFirstRep().getCode()).isEqualTo("80053");
        assertThat(charge.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2024-03-09");
        assertThat(charge.getQuantity().getValue()).isEqualByComparingTo("2");
        assertThat(charge.getPriceOverride().getValue()).isEqualByComparingTo("45.50");
        assertThat(charge.getPriceOverride().getCurrency()).isEqualTo("USD");
        assertThat(charge.getReasonFirstRep().getCodingFirstRep().getCode()).isEqualTo("I10");
        assertThat(charge.getSubject().getReference()).isEqualTo(entry(b, one(b, Patient.class)).getFullUrl());
        assertThat(charge.getContext().getReference()).isEqualTo(entry(b, one(b, Encounter.class)).getFullUrl());
        assertThat(charge.getPerformerFirstRep().getActor().getDisplay()).contains("WELBY");
    }

    @Test
    void pprPc1ProblemIsAConditionAndItsObservationsAreEvidence() {
        Bundle b = bundle(msg(msh("PPR^PC1^PPR_PC1", "2.6"), PID, PV1,
                seg("PRB", 1, "AD", 2, "20240301", 3, "I10^Essential hypertension^I10", 4, "PRB-77^EHR",
                        13, "confirmed", 14, "active", 16, "20230115"),
                "NTE|1||Home readings high",
                seg("OBX", 1, "1", 2, "NM", 3, "8480-6^Systolic BP^LN", 5, "150", 6, "mm[Hg]^mmHg^UCUM", 11, "F"),
                seg("PRB", 1, "AD", 2, "20240301", 3, "E11.9^Type 2 diabetes^I10", 4, "PRB-78^EHR", 9, "20240201",
                        14, "resolved")));
        java.util.List<Condition> problems = all(b, Condition.class);
        assertThat(problems).hasSize(2);
        Condition htn = problems.get(0);
        assertThat(htn.getIdentifierFirstRep().getValue()).isEqualTo("PRB-77");
        assertThat(htn.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("problem-list-item");
        assertThat(htn.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("active");
        assertThat(htn.getVerificationStatus().getCodingFirstRep().getCode()).isEqualTo("confirmed");
        assertThat(htn.getOnsetDateTimeType().getValueAsString()).isEqualTo("2023-01-15");
        assertThat(htn.getRecordedDateElement().getValueAsString()).isEqualTo("2024-03-01");
        assertThat(htn.getNoteFirstRep().getText()).isEqualTo("Home readings high");
        assertThat(htn.getEvidenceFirstRep().getDetailFirstRep().getReference())
                .isEqualTo(entry(b, one(b, Observation.class)).getFullUrl());
        assertThat(entry(b, htn).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        Condition diabetes = problems.get(1);
        assertThat(diabetes.getEvidence()).isEmpty();
        assertThat(diabetes.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("resolved");
        assertThat(diabetes.getAbatementDateTimeType().getValueAsString()).isEqualTo("2024-02-01");
    }

    @Test
    void pprPc3DeletedProblemIsEnteredInErrorAndItsResolutionDateIsKept() {
        Bundle b = bundle(msg(msh("PPR^PC3^PPR_PC1", "2.3.1"), PID,
                seg("PRB", 1, "DE", 2, "20240301", 3, "I10^Essential hypertension^I10", 4, "PRB-77^EHR",
                        9, "20240302", 14, "active")));
        Condition c = one(b, Condition.class);
        assertThat(c.getVerificationStatus().getCodingFirstRep().getCode()).isEqualTo("entered-in-error");
        assertThat(c.hasClinicalStatus()).isFalse();
        assertThat(c.hasAbatement()).isFalse();
        assertThat(c.getNoteFirstRep().getText()).contains("PRB-9");
    }

    @Test
    void refI12ReferralFromRf1AndPrdThatComeBeforeThePid() {
        Bundle b = bundle(msg(msh("REF^I12^REF_I12", "2.5"),
                seg("RF1", 1, "P^Pending^HL70283", 2, "R^Routine^HL70280", 3, "Med^Medical^HL70281",
                        6, "REF-9^EHR", 7, "20240310", 8, "20240610", 9, "20240309", 10, "ME^Medical expertise^HL70336"),
                seg("PRD", 1, "RP^Referring^HL70286", 2, "WELBY^MARCUS", 7, "1234^NPI"),
                seg("PRD", 1, "RT^Referred to^HL70286", 2, "HOUSE^GREGORY", 7, "5678^NPI"),
                PID, PV1, seg("DG1", 1, "1", 3, "R07.9^Chest pain^I10")));
        ServiceRequest referral = one(b, ServiceRequest.class);
        assertThat(referral.getIdentifierFirstRep().getValue()).isEqualTo("REF-9");
        assertThat(referral.getStatus().toCode()).isEqualTo("draft");
        assertThat(referral.getIntent().toCode()).isEqualTo("order");
        assertThat(referral.getPriority().toCode()).isEqualTo("routine");
        assertThat(referral.getCategory()).extracting(c -> c.getCodingFirstRep().getCode())
                .containsExactly("3457005", "Med");
        assertThat(referral.getOccurrencePeriod().getStartElement().getValueAsString()).isEqualTo("2024-03-10");
        assertThat(referral.getOccurrencePeriod().getEndElement().getValueAsString()).isEqualTo("2024-06-10");
        assertThat(referral.getAuthoredOnElement().getValueAsString()).isEqualTo("2024-03-09");
        assertThat(referral.getSubject().getReference()).isEqualTo(entry(b, one(b, Patient.class)).getFullUrl());
        Practitioner welby = (Practitioner) b.getEntry().stream()
                .filter(e -> e.getFullUrl().equals(referral.getRequester().getReference())).findFirst().orElseThrow()
                .getResource();
        assertThat(welby.getIdentifierFirstRep().getValue()).isEqualTo("1234");
        assertThat(referral.getPerformerFirstRep().getDisplay()).contains("HOUSE");
        assertThat(referral.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("ME");
    }

    @Test
    void rriI12ResponseWithAPatientConvertsAndWithoutOneIsRoutedWithAReason() {
        Bundle b = bundle(msg(msh("RRI^I12^RRI_I12", "2.5"), "MSA|AA|CTRL1",
                seg("RF1", 1, "A^Accepted^HL70283", 6, "REF-9^EHR"), PID));
        assertThat(one(b, ServiceRequest.class).getStatus().toCode()).isEqualTo("active");
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("RRI^I12^RRI_I12", "2.5"), "MSA|AA|CTRL1")))
                .isInstanceOf(ConversionException.class)
                .hasMessageContaining("acknowledgement without clinical content");
    }

    @Test
    void rdsO13DispenseIsAMedicationDispenseOfTheOrder() {
        Bundle b = bundle(msg(msh("RDS^O13^RDS_O13", "2.5"), PID, PV1,
                seg("ORC", 1, "RE", 2, "RX1^EHR", 3, "PH1^PHARM"),
                seg("RXE", 1, "^BID", 2, "197361^Amlodipine 5 MG Oral Tablet^RXNORM", 3, "5", 5, "mg^mg^UCUM"),
                seg("RXD", 1, "1", 2, "197361^Amlodipine 5 MG Oral Tablet^RXNORM", 3, "20240310120000-0500",
                        4, "30", 5, "TAB^Tablet^HL70292", 7, "RXN-55", 10, "88^PILL^PAT^^^RPH"),
                seg("RXR", 1, "PO^Oral^HL70162")));
        MedicationDispense dispense = one(b, MedicationDispense.class);
        MedicationRequest order = one(b, MedicationRequest.class);
        assertThat(dispense.getStatus().toCode()).isEqualTo("completed");
        assertThat(dispense.getMedicationCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("197361");
        assertThat(dispense.getAuthorizingPrescriptionFirstRep().getReference()).isEqualTo(entry(b, order).getFullUrl());
        assertThat(dispense.getQuantity().getValue()).isEqualByComparingTo("30");
        assertThat(dispense.getWhenHandedOverElement().getValueAsString()).isEqualTo("2024-03-10T12:00:00-05:00");
        assertThat(dispense.getIdentifier()).extracting(i -> i.getValue()).contains("RXN-55");
        assertThat(dispense.getPerformerFirstRep().getActor().getDisplay()).contains("PILL");
    }

    @Test
    void rasO17AdministrationIsAMedicationAdministrationNotAnImmunization() {
        Bundle b = bundle(msg(msh("RAS^O17^RAS_O17", "2.5"), PID, PV1,
                seg("ORC", 1, "RE", 2, "RX1^EHR"),
                seg("RXE", 1, "^Q8H", 2, "1191^Aspirin^RXNORM", 3, "81", 5, "mg^mg^UCUM"),
                seg("RXA", 1, "0", 2, "1", 3, "20240310080000-0500", 4, "20240310080500-0500",
                        5, "1191^Aspirin^RXNORM", 6, "81", 7, "mg^mg^UCUM", 10, "6^SHOT^SAM^^^RN", 20, "CP"),
                seg("RXR", 1, "PO^Oral^HL70162")));
        assertThat(all(b, Immunization.class)).isEmpty();
        MedicationAdministration given = one(b, MedicationAdministration.class);
        assertThat(given.getStatus().toCode()).isEqualTo("completed");
        assertThat(given.getEffectivePeriod().getStartElement().getValueAsString())
                .isEqualTo("2024-03-10T08:00:00-05:00");
        assertThat(given.getEffectivePeriod().getEndElement().getValueAsString())
                .isEqualTo("2024-03-10T08:05:00-05:00");
        assertThat(given.getDosage().getDose().getValue()).isEqualByComparingTo("81");
        assertThat(given.getDosage().getDose().getCode()).isEqualTo("mg");
        assertThat(given.getRequest().getReference()).isEqualTo(entry(b, one(b, MedicationRequest.class)).getFullUrl());
        assertThat(given.getPerformerFirstRep().getActor().getDisplay()).contains("SHOT");
    }

    @Test
    void rasO17RefusedAdministrationIsNotDone() {
        Bundle b = bundle(msg(msh("RAS^O17^RAS_O17", "2.5"), PID,
                seg("ORC", 1, "RE", 2, "RX1^EHR"),
                seg("RXA", 1, "0", 2, "1", 3, "20240310080000-0500", 5, "1191^Aspirin^RXNORM", 6, "81",
                        7, "mg^mg^UCUM", 18, "00^Patient refused^NIP002", 20, "RE")));
        MedicationAdministration refused = one(b, MedicationAdministration.class);
        assertThat(refused.getStatus().toCode()).isEqualTo("not-done");
        assertThat(refused.getStatusReasonFirstRep().getCodingFirstRep().getCode()).isEqualTo("00");
        assertThat(refused.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024-03-10T08:00:00-05:00");
    }

    @Test
    void rgvO15GiveIsAnInstanceOrderBasedOnTheOrder() {
        Bundle b = bundle(msg(msh("RGV^O15^RGV_O15", "2.5"), PID,
                seg("ORC", 1, "RE", 2, "RX1^EHR"),
                seg("RXE", 1, "^Q8H", 2, "11124^Vancomycin^RXNORM", 3, "1000", 5, "mg^mg^UCUM"),
                seg("RXG", 1, "1", 2, "1", 4, "11124^Vancomycin^RXNORM", 5, "1000", 7, "mg^mg^UCUM"),
                seg("RXG", 1, "2", 2, "1", 4, "11124^Vancomycin^RXNORM", 5, "1000", 7, "mg^mg^UCUM")));
        java.util.List<MedicationRequest> requests = all(b, MedicationRequest.class);
        assertThat(requests).hasSize(3);
        MedicationRequest order = requests.get(0);
        assertThat(requests.subList(1, 3)).allSatisfy(give -> {
            assertThat(give.getIntent().toCode()).isEqualTo("instance-order");
            assertThat(give.getBasedOnFirstRep().getReference()).isEqualTo(entry(b, order).getFullUrl());
            assertThat(give.getDosageInstructionFirstRep().getDoseAndRateFirstRep().getDoseQuantity().getValue())
                    .isEqualByComparingTo("1000");
        });
    }

    @Test
    void omgO19GeneralOrderIsAServiceRequest() {
        Bundle b = bundle(msg(msh("OMG^O19^OMG_O19", "2.5.1"), PID, PV1,
                seg("ORC", 1, "NW", 2, "ORD1^EHR", 5, "SC"),
                seg("OBR", 1, "1", 2, "ORD1^EHR", 4, "93000^ECG^C4")));
        ServiceRequest sr = one(b, ServiceRequest.class);
        assertThat(sr.getIdentifierFirstRep().getValue()).isEqualTo("ORD1");
        assertThat(sr.getCode().getCodingFirstRep().getCode()).isEqualTo("93000");
        assertThat(entry(b, sr).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
    }

    @Test
    void omdO03DietOrderIsOneNutritionOrderPerOrcGroup() {
        Bundle b = bundle(msg(msh("OMD^O03^OMD_O03", "2.5"), PID, PV1,
                seg("ORC", 1, "NW", 2, "DIET1^EHR", 9, "20240310080000-0500"),
                "TQ1|1||||||20240311",
                seg("ODS", 1, "D", 3, "NPO^Nothing by mouth^99DIET"),
                seg("ODS", 1, "P", 3, "NOSALT^No salt^99DIET"),
                seg("ODS", 1, "S", 3, "ENS^Ensure^99DIET", 4, "With lunch"),
                seg("ORC", 1, "NW", 2, "DIET2^EHR"),
                seg("ODS", 1, "P", 3, "VEG^Vegetarian^99DIET")));
        java.util.List<NutritionOrder> orders = all(b, NutritionOrder.class);
        assertThat(orders).hasSize(2);
        NutritionOrder first = orders.get(0);
        assertThat(first.getIdentifierFirstRep().getValue()).isEqualTo("DIET1");
        assertThat(first.getOralDiet().getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("NPO");
        assertThat(first.getFoodPreferenceModifierFirstRep().getCodingFirstRep().getCode()).isEqualTo("NOSALT");
        assertThat(first.getSupplementFirstRep().getType().getCodingFirstRep().getCode()).isEqualTo("ENS");
        assertThat(first.getSupplementFirstRep().getInstruction()).isEqualTo("With lunch");
        assertThat(first.getDateTimeElement().getValueAsString()).isEqualTo("2024-03-10T08:00:00-05:00");
        assertThat(orders.get(1).getFoodPreferenceModifierFirstRep().getCodingFirstRep().getCode()).isEqualTo("VEG");
        assertThat(all(b, ServiceRequest.class)).isEmpty();
    }

    @Test
    void ompO09PharmacyOrderIsAMedicationRequest() {
        Bundle b = bundle(msg(msh("OMP^O09^OMP_O09", "2.5.1"), PID,
                seg("ORC", 1, "NW", 2, "RX7^EHR", 9, "20240310080000-0500", 12, "77^WELBY^MARCUS^^^DR"),
                seg("RXO", 1, "197361^Amlodipine 5 MG Oral Tablet^RXNORM", 2, "5", 4, "mg^mg^UCUM"),
                seg("RXR", 1, "PO^Oral^HL70162")));
        MedicationRequest mr = one(b, MedicationRequest.class);
        assertThat(mr.getIdentifierFirstRep().getValue()).isEqualTo("RX7");
        assertThat(mr.getMedicationCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("197361");
        assertThat(mr.getDosageInstructionFirstRep().getRoute().getCodingFirstRep().getCode()).isEqualTo("PO");
    }

    @Test
    void orlO22ResponseCarryingTheOrderConverts() {
        Bundle b = bundle(msg(msh("ORL^O22^ORL_O22", "2.5.1"), "MSA|AA|CTRL9", PID,
                seg("ORC", 1, "OK", 2, "ORD1^EHR", 3, "F9^LAB", 5, "IP"),
                seg("OBR", 1, "1", 2, "ORD1^EHR", 3, "F9^LAB", 4, "2345-7^Glucose^LN")));
        ServiceRequest sr = one(b, ServiceRequest.class);
        assertThat(sr.getStatus().toCode()).isEqualTo("active");
        assertThat(sr.getIdentifier()).extracting(i -> i.getValue()).containsExactly("ORD1", "F9");
    }

    @Test
    void orrO02AcknowledgementOnlyIsRoutedWithAReason() {
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("ORR^O02^ORR_O02", "2.3"), "MSA|AA|CTRL9")))
                .isInstanceOf(ConversionException.class)
                .hasMessage("ORR^O02 response has no PID segment: an acknowledgement without clinical content is "
                        + "not converted");
    }

    /** Every trigger event the issue names converts: the family decides the mapping, not the event. */
    @ParameterizedTest
    @ValueSource(strings = {"BAR^P01", "BAR^P02", "BAR^P05", "BAR^P06", "BAR^P10", "BAR^P12", "DFT^P03", "DFT^P11",
        "OUL^R21", "OUL^R22", "OUL^R23", "OUL^R24", "PPR^PC1", "PPR^PC2", "PPR^PC3", "REF^I12", "REF^I13", "REF^I14",
        "REF^I15", "RRI^I12", "RRI^I13", "RRI^I14", "RRI^I15", "RDS^O13", "RAS^O17", "RGV^O15", "OMG^O19", "OMD^O03",
        "OMP^O09", "ORL^O22", "ORR^O02"})
    void everyNamedEventConverts(String type) {
        Bundle b = bundle(msg(msh(type, "2.5.1"), PID, PV1));
        assertThat(one(b, Patient.class).getIdentifierFirstRep().getValue()).isEqualTo("MRN123");
        assertThat(one(b, Encounter.class).getIdentifierFirstRep().getValue()).isEqualTo("V100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACK^A01^ACK", "QRY^A19^QRY_A19", "QBP^Q11^QBP_Q11"})
    void queriesAndAcknowledgementsStayRoutedWithAReason(String type) {
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh(type, "2.5.1"), "MSA|AA|CTRL9")))
                .isInstanceOf(ConversionException.class)
                .hasMessageStartingWith("message type " + type.substring(0, 3) + " is not converted: ")
                .hasMessageMatching(".*(acknowledgement|query).*");
    }

    @Test
    void unknownTypesNameWhatIsSupported() {
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("ZZZ^Z01", "2.5.1"), PID)))
                .isInstanceOf(ConversionException.class)
                .hasMessageContaining("supported: ADT, BAR, DFT, MDM, OMB");
    }
}
