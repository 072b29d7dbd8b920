package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.PID;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.all;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.entry;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Message;

/** Distinct clinical items that share a business identifier stay distinct (never merged, never one dropped). */
class IdentityMappingTest {

    /** Conditional identity of every entry that has one (PUT url or POST ifNoneExist). */
    private static List<String> claims(Bundle b) {
        return b.getEntry().stream().map(BundleEntryComponent::getRequest)
                .map(r -> r.getMethod().toCode() + " " + r.getUrl() + " " + r.getIfNoneExist())
                .collect(Collectors.toList());
    }

    private static Set<String> values(List<Identifier> ids) {
        return ids.stream().map(Identifier::getValue).collect(Collectors.toSet());
    }

    @Test
    void ordersSharingAPlacerNumberButNotTheTestAreSeparateRequestsAndReports() {
        // One placer number (ORC-2) for two tests, as real lab feeds send it: an HIV test and a CBC.
        Bundle b = bundle(msg(msh("ORU^R01", "2.5.1"), PID,
                seg("ORC", 1, "RE", 2, "P77^EHR"),
                seg("OBR", 1, "1", 2, "P77^EHR", 4, "75622-1^HIV 1 and 2 tests^LN", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, "CWE", 3, "75622-1^HIV 1 and 2 tests^LN", 5, "260385009^Negative^SCT", 11, "F"),
                seg("ORC", 1, "RE", 2, "P77^EHR"),
                seg("OBR", 1, "2", 2, "P77^EHR", 4, "58410-2^CBC panel^LN", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, "NM", 3, "718-7^Hemoglobin^LN", 5, "13.2", 6, "g/dL", 11, "F")));
        List<ServiceRequest> srs = all(b, ServiceRequest.class);
        assertThat(srs).extracting(s -> s.getCode().getCodingFirstRep().getCode()).containsExactly("75622-1", "58410-2");
        List<DiagnosticReport> drs = all(b, DiagnosticReport.class);
        assertThat(drs).extracting(d -> d.getCode().getCodingFirstRep().getCode()).containsExactly("75622-1", "58410-2");
        // Each keeps the shared placer number and gets a derived identifier it is written by.
        for (ServiceRequest sr : srs) {
            assertThat(values(sr.getIdentifier())).contains("P77").hasSize(2);
            String key = sr.getIdentifier().stream().filter(i -> i.getSystem().endsWith("hl7v2-key")).findFirst()
                    .orElseThrow().getValue();
            assertThat(entry(b, sr).getRequest().getIfNoneExist()).endsWith("|" + key);
        }
        assertThat(claims(b)).doesNotHaveDuplicates();
        // Each result stays in its own report.
        assertThat(drs.get(0).getResult()).hasSize(1);
        assertThat(drs.get(1).getResult()).hasSize(1);
        Observation hiv = (Observation) b.getEntry().stream().filter(e -> e.getFullUrl()
                .equals(drs.get(0).getResultFirstRep().getReference())).findFirst().orElseThrow().getResource();
        assertThat(hiv.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("260385009");
        assertThat(all(b, Observation.class)).hasSize(2);
    }

    @Test
    void theSameOrderTwiceIsStillOneRequest() {
        Bundle b = bundle(msg(msh("ORU^R01", "2.5.1"), PID,
                seg("ORC", 1, "RE", 2, "P77^EHR"),
                seg("OBR", 1, "1", 2, "P77^EHR", 4, "58410-2^CBC panel^LN", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, "NM", 3, "718-7^Hemoglobin^LN", 5, "13.2", 6, "g/dL", 11, "F"),
                seg("ORC", 1, "RE", 2, "P77^EHR"),
                seg("OBR", 1, "2", 2, "P77^EHR", 4, "58410-2^CBC panel^LN", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, "NM", 3, "789-8^Erythrocytes^LN", 5, "4.5", 6, "10*6/uL", 11, "F")));
        assertThat(all(b, ServiceRequest.class)).hasSize(1);
        DiagnosticReport dr = all(b, DiagnosticReport.class).get(0);
        assertThat(all(b, DiagnosticReport.class)).hasSize(1);
        assertThat(dr.getResult()).hasSize(2);
        assertThat(entry(b, dr).getRequest().getUrl()).isEqualTo("DiagnosticReport?identifier=urn:id:EHR|P77");
    }

    @Test
    void observationsSharingObx21AreSeparateAndKeepTheirOwnValues() {
        Bundle b = bundle(msg(msh("ORU^R01", "2.5.1"), PID,
                seg("OBR", 1, "1", 3, "F9^LAB", 4, "24323-8^Metabolic panel^LN", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, "NM", 3, "2345-7^Glucose^LN", 5, "182", 6, "mg/dL", 11, "F", 21, "F9^LAB"),
                seg("OBX", 1, "2", 2, "NM", 3, "2951-2^Sodium^LN", 5, "138", 6, "mmol/L", 11, "F", 21, "F9^LAB"),
                seg("OBX", 1, "3", 2, "NM", 3, "2951-2^Sodium^LN", 4, "2", 5, "139", 6, "mmol/L", 11, "F", 21, "F9^LAB"),
                // The same code and sub-id again (a repeated reading): still its own Observation.
                seg("OBX", 1, "4", 2, "NM", 3, "2951-2^Sodium^LN", 4, "2", 5, "141", 6, "mmol/L", 11, "F", 21, "F9^LAB")));
        List<Observation> obs = all(b, Observation.class);
        assertThat(obs).extracting(o -> o.getCode().getCodingFirstRep().getCode() + "=" + o.getValueQuantity()
                .getValue().toPlainString()).containsExactly("2345-7=182", "2951-2=138", "2951-2=139", "2951-2=141");
        assertThat(obs).allSatisfy(o -> assertThat(o.hasComponent()).isFalse());
        assertThat(obs).allSatisfy(o -> assertThat(values(o.getIdentifier())).contains("F9"));
        assertThat(claims(b)).doesNotHaveDuplicates();
        assertThat(one(b).getResult()).extracting(Reference::getReference).doesNotHaveDuplicates().hasSize(4);
    }

    @Test
    void dosesAndMedicationOrdersSharingAnOrcNumberStayDistinct() {
        Bundle vxu = bundle(msg(msh("VXU^V04", "2.5.1"), PID,
                seg("ORC", 1, "RE", 3, "9999^IIS"), seg("RXA", 1, "0", 2, "1", 3, "20240401", 5, "08^HepB^CVX"),
                seg("ORC", 1, "RE", 3, "9999^IIS"), seg("RXA", 1, "0", 2, "1", 3, "20240401", 5, "20^DTaP^CVX")));
        List<org.hl7.fhir.r4.model.Immunization> doses = all(vxu, org.hl7.fhir.r4.model.Immunization.class);
        assertThat(doses).extracting(i -> i.getVaccineCode().getCodingFirstRep().getCode()).containsExactly("08", "20");
        assertThat(claims(vxu)).doesNotHaveDuplicates();
        Bundle rde = bundle(msg(msh("RDE^O11", "2.5.1"), PID,
                seg("ORC", 1, "NW", 2, "RX1^EHR"), seg("RXE", 2, "197361^Amlodipine^RXNORM", 3, "5", 5, "mg"),
                seg("ORC", 1, "NW", 2, "RX1^EHR"), seg("RXE", 2, "310798^Hydrochlorothiazide^RXNORM", 3, "25", 5, "mg")));
        assertThat(all(rde, org.hl7.fhir.r4.model.MedicationRequest.class)).hasSize(2);
        assertThat(claims(rde)).doesNotHaveDuplicates();
    }

    private static DiagnosticReport one(Bundle b) {
        return Convert.one(b, DiagnosticReport.class);
    }

    @Test
    void theIdentityGuardFailsTwoDifferentResourcesClaimingOneIdentityNamingBothSegments() {
        V2Message m = V2Message.parse(msg(msh("ORU^R01", "2.5.1"), PID, "OBX|1", "OBX|2"));
        BundleContext ctx = new BundleContext(m, Convert.DEFAULT.types());
        JsonObject id = new JsonObject().put("system", "urn:id:LAB").put("value", "X1");
        ctx.types.at(m.segments().get(2));
        Entry first = ctx.entry("Observation", "a");
        first.updateBy(id);
        first.resource.put("status", "final");
        ctx.types.at(m.segments().get(3));
        Entry second = ctx.entry("Observation", "b");
        second.updateBy(id);
        second.resource.put("status", "preliminary");
        assertThatThrownBy(ctx::checkIdentities).isInstanceOf(ConversionException.class)
                .hasMessageContaining("OBX (segment 3)").hasMessageContaining("OBX (segment 4)")
                .hasMessageContaining("Observation");
        // Identical content under one identity is no conflict.
        second.resource.put("status", "final");
        ctx.checkIdentities();
    }
}
