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
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.Test;

/** RXA, RXR and the VXU OBX (Immunization), RXE/RXO (MedicationRequest). */
class PharmacyMappingTest {

    @Test
    void rxaRxrImmunization() {
        Bundle b = bundle(msg(msh("VXU^V04^VXU_V04", "2.5.1"), PID,
                seg("ORC", 1, "RE", 2, "O1^EHR", 3, "F1^EHR", 12, "5^ORDERS^OLLIE^^^DR"),
                seg("RXA", 1, "0", 2, "1", 3, "20240401100000-0400", 5, "08^Hep B^CVX", 6, "0.5", 7, "mL^mL^UCUM",
                        9, "00^New record^NIP001", 10, "6^SHOT^SAM^^^RN", 11, "^^^CLINIC", 15, "LOT1", 16, "20250630",
                        17, "MSD^Merck^MVX", 20, "CP", 21, "A", 22, "20240401101000"),
                seg("RXR", 1, "IM^Intramuscular^HL70162", 2, "LT^Left Thigh^HL70163"),
                seg("OBX", 1, "1", 2, "CE", 3, "64994-7^Eligibility^LN", 4, "1", 5, "V02^VFC Medicaid^HL70064", 11, "F"),
                seg("OBX", 1, "2", 2, "CE", 3, "30963-3^Funding source^LN", 4, "2", 5, "VXC50^Public^CDCPHINVS", 11, "F"),
                seg("OBX", 1, "3", 2, "CE", 3, "69764-9^VIS type^LN", 4, "3", 5, "253088698300012711120420^Hep B VIS^cdcgs1vis", 11, "F"),
                seg("OBX", 1, "4", 2, "DT", 3, "29769-7^VIS presented^LN", 4, "3", 5, "20240401", 11, "F")));
        Immunization i = one(b, Immunization.class);
        assertThat(entry(b, i).getRequest().getUrl()).isEqualTo("Immunization?identifier=urn:id:EHR|F1");
        assertThat(i.getStatus().toCode()).isEqualTo("completed");
        assertThat(i.getVaccineCode().getCodingFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/sid/cvx");
        assertThat(i.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2024-04-01T10:00:00-04:00");
        assertThat(i.getDoseQuantity().getCode()).isEqualTo("mL");
        assertThat(i.getPrimarySource()).isTrue();
        assertThat(i.getLotNumber()).isEqualTo("LOT1");
        assertThat(i.getExpirationDateElement().getValueAsString()).isEqualTo("2025-06-30");
        assertThat(i.getPerformer()).extracting(p -> p.getFunction().getCodingFirstRep().getCode()).containsExactly("AP", "OP");
        assertThat(i.getRoute().getCodingFirstRep().getCode()).isEqualTo("IM");
        assertThat(i.getSite().getCodingFirstRep().getCode()).isEqualTo("LT");
        assertThat(i.getLocation().getDisplay()).isEqualTo("CLINIC");
        Organization merck = all(b, Organization.class).stream().filter(o -> "Merck".equals(o.getName())).findFirst()
                .orElseThrow();
        assertThat(merck.getIdentifierFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/sid/mvx");
        assertThat(i.getProgramEligibilityFirstRep().getCodingFirstRep().getCode()).isEqualTo("V02");
        assertThat(i.getFundingSource().getCodingFirstRep().getCode()).isEqualTo("VXC50");
        assertThat(i.getEducationFirstRep().getDocumentType()).isEqualTo("Hep B VIS");
        assertThat(i.getEducationFirstRep().getPresentationDateElement().getValueAsString()).isEqualTo("2024-04-01");
        assertThat(all(b, Observation.class)).hasSize(4).allSatisfy(o ->
                assertThat(o.getPartOfFirstRep().getReference()).isEqualTo(entry(b, i).getFullUrl()));
    }

    @Test
    void refusedAndPartialDoses() {
        Immunization refused = one(bundle(msg(msh("VXU^V04", "2.6"), PID,
                seg("RXA", 1, "0", 2, "1", 3, "20240402", 5, "998^No vaccine administered^CVX", 6, "999",
                        18, "00^Parental decision^NIP002", 20, "RE"))), Immunization.class);
        assertThat(refused.getStatus().toCode()).isEqualTo("not-done");
        assertThat(refused.getStatusReason().getCodingFirstRep().getCode()).isEqualTo("00");
        assertThat(refused.hasDoseQuantity()).as("999 means unknown amount").isFalse();
        Immunization partial = one(bundle(msg(msh("VXU^V04", "2.5.1"), PID,
                seg("RXA", 1, "0", 2, "1", 3, "20240402", 5, "141^Flu^CVX", 6, "0.25", 7, "mL", 20, "PA"))),
                Immunization.class);
        assertThat(partial.getIsSubpotent()).isTrue();
        Immunization historical = one(bundle(msg(msh("VXU^V04", "2.3.1"), PID,
                seg("RXA", 1, "0", 2, "1", 3, "20020315", 5, "03^MMR^CVX", 6, "999", 9, "01^Historical^NIP001"))),
                Immunization.class);
        assertThat(historical.getPrimarySource()).isFalse();
        assertThat(historical.getReportOrigin().getCodingFirstRep().getCode()).isEqualTo("01");
        Immunization deleted = one(bundle(msg(msh("VXU^V04", "2.5.1"), PID,
                seg("RXA", 1, "0", 2, "1", 3, "20240402", 5, "141^Flu^CVX", 21, "D"))), Immunization.class);
        assertThat(deleted.getStatus().toCode()).isEqualTo("entered-in-error");
    }

    @Test
    void rxaWithoutAdministrationTimeIsRejected() {
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("VXU^V04", "2.5.1"), PID,
                seg("RXA", 1, "0", 2, "1", 5, "08^Hep B^CVX")))).isInstanceOf(ConversionException.class)
                .hasMessageContaining("RXA-3");
    }

    @Test
    void rxeMedicationRequest() {
        Bundle b = bundle(msg(msh("RDE^O11^RDE_O11", "2.5.1"), PID,
                seg("ORC", 1, "NW", 2, "RX1^EHR", 9, "20240312092500", 12, "1^DOC^DON^^^DR"),
                seg("TQ1", 1, "1", 7, "20240312100000", 8, "20240322100000"),
                seg("RXE", 2, "197361^Amlodipine 5 MG Oral Tablet^RXNORM", 3, "5", 4, "10", 5, "mg", 7, "^Take with water",
                        9, "N", 10, "30", 11, "TAB^Tablet^NCIT", 12, "3", 27, "I10^Hypertension^I10"),
                seg("RXR", 1, "PO^Oral^HL70162"), "NTE|1||Check BP weekly"));
        MedicationRequest m = one(b, MedicationRequest.class);
        assertThat(entry(b, m).getRequest().getUrl()).isEqualTo("MedicationRequest?identifier=urn:id:EHR|RX1");
        assertThat(m.getStatus().toCode()).isEqualTo("active");
        assertThat(m.getIntent().toCode()).isEqualTo("order");
        assertThat(m.getMedicationCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("197361");
        assertThat(m.getAuthoredOnElement().getValueAsString()).isEqualTo("2024-03-12T09:25:00+00:00");
        assertThat(m.getDosageInstructionFirstRep().getDoseAndRateFirstRep().getDoseRange().getHigh().getCode())
                .isEqualTo("mg");
        assertThat(m.getDosageInstructionFirstRep().getRoute().getCodingFirstRep().getCode()).isEqualTo("PO");
        assertThat(m.getDosageInstructionFirstRep().getTiming().getRepeat().getBoundsPeriod().getEndElement()
                .getValueAsString()).isEqualTo("2024-03-22T10:00:00+00:00");
        assertThat(m.getDispenseRequest().getQuantity().getValue().intValue()).isEqualTo(30);
        assertThat(m.getDispenseRequest().getNumberOfRepeatsAllowed()).isEqualTo(3);
        assertThat(m.getSubstitution().getAllowedBooleanType().getValue()).isFalse();
        assertThat(m.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("I10");
        assertThat(m.getNoteFirstRep().getText()).isEqualTo("Check BP weekly");
    }

    @Test
    void rxoOrderAndDiscontinuation() {
        MedicationRequest m = one(bundle(msg(msh("ORM^O01", "2.4"), PID,
                seg("ORC", 1, "DC", 2, "RX2^EHR"),
                seg("RXO", 1, "308191^Amoxicillin 500 MG^RXNORM", 2, "500", 4, "mg", 11, "30", 12, "CAP", 13, "0"))),
                MedicationRequest.class);
        assertThat(m.getStatus().toCode()).isEqualTo("stopped");
        assertThat(m.getIntent().toCode()).isEqualTo("original-order");
        assertThat(m.getDosageInstructionFirstRep().getDoseAndRateFirstRep().getDoseQuantity().getValue().intValue())
                .isEqualTo(500);
    }
}
