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

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** PV1 and PV2 to Encounter (IG PV1[Encounter], PV2[Encounter], Event[EncounterStatus]). */
class EncounterMappingTest {

    private static final String PV1 = seg("PV1", 1, "1", 2, "I", 3, "4W^401^B^HOSP^^^MAIN^4", 4, "E",
            6, "ER^01^^HOSP", 7, "11^ATTEND^ANN^^^DR^^^HOSP", 8, "^REFER^ROB", 9, "33^CONSULT^CAL^^^^^^HOSP",
            10, "MED", 13, "R", 14, "7", 17, "11^ATTEND^ANN^^^DR^^^HOSP", 19, "V100^^^HOSP^VN", 36, "01",
            39, "MAINHOSP", 40, "O", 44, "20240312080000-0500");

    @Test
    void pv1VisitClassParticipantsLocationsAndPeriod() {
        Bundle b = bundle(msg(msh("ADT^A01", "2.5"), PID, PV1));
        Encounter e = one(b, Encounter.class);
        assertThat(e.getIdentifierFirstRep().getSystem()).isEqualTo("urn:id:HOSP");
        assertThat(e.getIdentifierFirstRep().getValue()).isEqualTo("V100");
        assertThat(entry(b, e).getRequest().getUrl()).isEqualTo("Encounter?identifier=urn:id:HOSP|V100");
        assertThat(e.getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
        assertThat(e.getClass_().getCode()).isEqualTo("IMP");
        assertThat(e.getClass_().getSystem()).isEqualTo("http://terminology.hl7.org/CodeSystem/v3-ActCode");
        assertThat(e.getTypeFirstRep().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0007");
        assertThat(e.getServiceType().getCodingFirstRep().getCode()).isEqualTo("MED");
        assertThat(e.getParticipant()).extracting(p -> p.getTypeFirstRep().getCodingFirstRep().getCode())
                .containsExactly("ATND", "REF", "CON", "ADM");
        assertThat(all(b, Practitioner.class)).as("ATND and ADM are one practitioner").hasSize(2);
        assertThat(e.getParticipant().get(1).getIndividual().getReference()).as("no id: display only").isNull();
        assertThat(e.getParticipant().get(1).getIndividual().getDisplay()).isEqualTo("ROB REFER");
        assertThat(e.getPeriod().getStartElement().getValueAsString()).isEqualTo("2024-03-12T08:00:00-05:00");
        assertThat(e.getLocation()).extracting(l -> l.getStatus().toCode()).containsExactly("active", "completed");
        assertThat(e.getHospitalization().getAdmitSource().getCodingFirstRep().getCode()).isEqualTo("emd");
        assertThat(e.getHospitalization().getReAdmission().getCodingFirstRep().getCode()).isEqualTo("R");
        assertThat(e.getServiceProvider().getDisplay()).isEqualTo("MAINHOSP");

        // PV1-3 is a hierarchy: site, building, floor, ward, room, bed, each part of the one above.
        Location bed = (Location) b.getEntry().stream()
                .filter(x -> x.getFullUrl().equals(e.getLocationFirstRep().getLocation().getReference()))
                .findFirst().orElseThrow().getResource();
        assertThat(bed.getName()).isEqualTo("B");
        assertThat(bed.getPhysicalType().getCodingFirstRep().getCode()).isEqualTo("bd");
        assertThat(bed.getOperationalStatus().getCode()).isEqualTo("O");
        assertThat(all(b, Location.class)).extracting(Location::getName)
                .containsExactly("HOSP", "MAIN", "4", "4W", "401", "B", "ER", "01");
    }

    @ParameterizedTest
    @CsvSource({"A01,,in-progress", "A02,,in-progress", "A03,20240315,finished", "A04,,planned", "A05,,planned",
            "A06,,in-progress", "A07,,in-progress", "A08,,unknown", "A08,20240315,finished", "A11,,cancelled",
            "A13,,in-progress"})
    void statusFollowsTheTriggerEventAndDischargeTime(String event, String discharge, String status) {
        Encounter e = one(bundle(msg(msh("ADT^" + event, "2.5"), PID,
                seg("PV1", 1, "1", 2, "I", 19, "V1^^^HOSP", 44, "20240312", 45, discharge == null ? "" : discharge))),
                Encounter.class);
        assertThat(e.getStatus().toCode()).isEqualTo(status);
    }

    @Test
    void dischargeDispositionAndLength() {
        Encounter e = one(bundle(msg(msh("ADT^A03", "2.5"), PID,
                seg("PV1", 1, "1", 2, "O", 19, "V1^^^HOSP", 36, "07", 44, "20240312", 45, "20240314"),
                seg("PV2", 3, "R07.9^Chest pain^I10", 11, "2", 25, "2", 38, "AMB^Ambulance^HL70430"))), Encounter.class);
        assertThat(e.getHospitalization().getDischargeDisposition().getCodingFirstRep().getCode()).isEqualTo("aadvice");
        assertThat(e.getClass_().getCode()).isEqualTo("AMB");
        assertThat(e.getLength().getValue().intValue()).isEqualTo(2);
        assertThat(e.getLength().getCode()).isEqualTo("d");
        assertThat(e.getReasonCodeFirstRep().getCodingFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/sid/icd-10");
        assertThat(e.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/encounter-modeOfArrival")).isNotNull();
    }

    @Test
    void aPv1WithoutAVisitMakesNoEncounter() {
        assertThat(all(bundle(msg(msh("ADT^A28", "2.5"), PID, "PV1|1|N")), Encounter.class)).isEmpty();
        assertThat(all(bundle(msg(msh("VXU^V04", "2.5.1"), PID, "PV1|1|R",
                seg("RXA", 1, "0", 2, "1", 3, "20240401", 5, "08^Hep B^CVX"))), Encounter.class)).isEmpty();
    }

    @Test
    void theVisitOfAnAppointmentIsPlanned() {
        Encounter e = one(bundle(msg(msh("SIU^S12", "2.5"), seg("SCH", 1, "A1^S", 11, "^^30^20240320140000^20240320143000",
                25, "Booked"), PID, seg("PV1", 1, "1", 2, "O", 3, "CLINIC^^^HOSP", 19, "V7^^^HOSP"))), Encounter.class);
        assertThat(e.getStatus().toCode()).isEqualTo("planned");
    }

    @Test
    void encounterIsCreateIfAbsentOutsideAdt() {
        Bundle b = bundle(msg(msh("ORU^R01", "2.5"), PID, seg("PV1", 1, "1", 2, "O", 19, "V9^^^HOSP"),
                "OBR|1||F1^LAB|1^T^L", "OBX|1|ST|1^T^L||x||||||F"));
        Bundle.BundleEntryRequestComponent r = entry(b, one(b, Encounter.class)).getRequest();
        assertThat(r.getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(r.getIfNoneExist()).isEqualTo("identifier=urn:id:HOSP|V9");
    }
}
