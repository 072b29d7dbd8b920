package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.PID;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.entry;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.transforms.hl7tofhir.ConversionSettings.BundleType;

/** MSH and EVN: Bundle identifier/timestamp, MessageHeader, Provenance; determinism; unsupported input. */
class HeaderMappingTest {

    private static final String MSH = "MSH|^~\\&|EPIC|GOODHEALTH^1.2.3.4^ISO|LAB|LABFAC|20240312083015||ADT^A01^ADT_A01|C77|P|2.5.1";
    private static final String EVN = seg("EVN", 1, "A01", 2, "20240312083000", 4, "01^Patient request^HL70062",
            5, "9^CLERK^CAL^^^^^^GOODHEALTH", 6, "20240312080000");

    @Test
    void bundleAndProvenanceFromMshAndEvn() {
        Bundle b = bundle(new Hl7ToFhirConverter(ConversionSettings.defaults().withZone(ZoneId.of("Europe/Paris")),
                MappingTables.defaults()), msg(MSH, EVN, PID));
        assertThat(b.getIdentifier().getSystem()).isEqualTo("urn:id:EPIC:GOODHEALTH");
        assertThat(b.getIdentifier().getValue()).isEqualTo("C77");
        assertThat(b.getTimestampElement().getValueAsString()).isEqualTo("2024-03-12T08:30:15+01:00");
        Provenance p = one(b, Provenance.class);
        assertThat(p.getMeta().getSource()).isEqualTo("urn:id:EPIC:GOODHEALTH#C77");
        assertThat(entry(b, p).getRequest().getIfNoneExist()).isEqualTo("_source=urn:id:EPIC:GOODHEALTH%23C77");
        assertThat(p.getRecordedElement().getValueAsString()).isEqualTo("2024-03-12T08:30:00+01:00");
        assertThat(p.getOccurredDateTimeType().getValueAsString()).isEqualTo("2024-03-12T08:00:00+01:00");
        assertThat(p.getActivity().getCodingFirstRep().getCode()).isEqualTo("A01");
        assertThat(p.getReasonFirstRep().getCodingFirstRep().getCode()).isEqualTo("01");
        assertThat(p.getAgent()).extracting(a -> a.getType().getCodingFirstRep().getCode()).containsExactly("author", "enterer");
        assertThat(p.getAgentFirstRep().getWho().getDisplay()).isEqualTo("GOODHEALTH");
        assertThat(p.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("C77");
        assertThat(p.getTarget()).extracting(r -> r.getReference()).contains(entry(b, one(b, Patient.class)).getFullUrl());
    }

    @Test
    void messageBundleStartsWithAMessageHeader() {
        Bundle b = bundle(new Hl7ToFhirConverter(ConversionSettings.defaults().withBundleType(BundleType.MESSAGE),
                MappingTables.defaults()), msg(MSH, EVN, PID));
        MessageHeader h = (MessageHeader) b.getEntryFirstRep().getResource();
        assertThat(h.getEventCoding().getCode()).isEqualTo("A01");
        assertThat(h.getEventCoding().getSystem()).isEqualTo("http://terminology.hl7.org/CodeSystem/v2-0003");
        assertThat(h.getSource().getName()).isEqualTo("EPIC");
        assertThat(h.getSource().getEndpoint()).isEqualTo("urn:id:EPIC:GOODHEALTH");
        assertThat(h.getDestinationFirstRep().getName()).isEqualTo("LAB");
        assertThat(h.getSender().getDisplay()).isEqualTo("GOODHEALTH");
        assertThat(h.getFocus()).extracting(r -> r.getReference()).contains(entry(b, one(b, Patient.class)).getFullUrl());
        assertThat(h.getMeta().getTagFirstRep().getCode()).isEqualTo("P");
        assertThat(b.getEntry()).allSatisfy(e -> assertThat(e.hasRequest()).isFalse());
    }

    @Test
    void provenanceCanBeTurnedOff() {
        Bundle b = bundle(new Hl7ToFhirConverter(new ConversionSettings(BundleType.TRANSACTION, ZoneId.of("UTC"), "urn:id:",
                false), MappingTables.defaults()), msg(MSH, PID));
        assertThat(b.getEntry()).noneMatch(e -> e.getResource() instanceof Provenance);
    }

    @Test
    void theSameMessageAlwaysGivesTheSameBundle() {
        String m = msg(MSH, EVN, PID, "PV1|1|I|4W^1^A||||||||||||||||V1^^^H", "AL1|1|DA|^PCN", "DG1|1||I10^HTN^I10");
        String first = Convert.DEFAULT.convert(m).json();
        assertThat(Convert.DEFAULT.convert(m).json()).isEqualTo(first);
        // Another sender's identical content gets other fullUrls (name-based UUIDs are scoped per sender).
        String other = Convert.DEFAULT.convert(m.replace("EPIC|", "CERNER|")).json();
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void unsupportedOrEmptyMessages() {
        assertThatThrownBy(() -> Convert.DEFAULT.convert("MSH|^~\\&|A|B|||20240101||ACK^A01|1|P|2.5\rMSA|AA|1"))
                .isInstanceOf(ConversionException.class).hasMessageContaining("ACK");
        assertThatThrownBy(() -> Convert.DEFAULT.convert("MSH|^~\\&|A|B|||20240101||ADT^A20|1|P|2.5\rNPU|4W^1"))
                .isInstanceOf(ConversionException.class).hasMessageContaining("PID");
    }

    @Test
    void unreadableOptionalTimestampsAreDroppedWithAWarningNotRouted() {
        // MSH-7 with extra digits, a bad OBX-14 and a bad RXA-22: each drops only its element.
        Hl7ToFhirConverter.Result r = Convert.DEFAULT.convert("MSH|^~\\&|A|B|||20240101120000123456||ADT^A01|1|P|2.5\r"
                + PID);
        assertThat(r.json()).doesNotContain("\"timestamp\"");
        assertThat(r.warnings()).containsExactly("MSH-7: not a valid HL7 timestamp, dropped");
        Hl7ToFhirConverter.Result oru = Convert.DEFAULT.convert(msg(msh("ORU^R01", "2.5.1"), PID,
                "OBR|1||F1|718-7^Hemoglobin^LN|||20240312", "OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL|||||F|||2024031299"));
        assertThat(oru.json()).contains("\"valueQuantity\"").contains("\"effectiveDateTime\":\"2024-03-12\"");
        assertThat(oru.warnings()).containsExactly("OBX-14 (segment 4): not a valid HL7 timestamp, dropped");
        String vxuText = msg(msh("VXU^V04", "2.5.1"), PID,
                "ORC|RE||197023^CDC", "RXA|0|1|20240312||08^HepB^CVX|0.5|mL^mL^UCUM||00^New^NIP001|||||||||||CP|A|2024-03-12");
        org.hl7.fhir.r4.model.Immunization imm = one(bundle(vxuText), org.hl7.fhir.r4.model.Immunization.class);
        assertThat(imm.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2024-03-12");
        assertThat(imm.hasRecorded()).isFalse();
        assertThat(Convert.DEFAULT.convert(vxuText).warnings())
                .containsExactly("RXA-22 (segment 4): not a valid HL7 timestamp, dropped");
        // Clean messages carry no warnings.
        assertThat(Convert.DEFAULT.convert(msg(MSH, PID)).warnings()).isEmpty();
    }

    @Test
    void conversionErrorsNameTheFieldButNeverItsContent() {
        // RXA-3 is required (Immunization.occurrence): an unreadable one routes the message, named, not quoted.
        String secret = "20241399";
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("VXU^V04", "2.5.1"), "PID|1||M1^^^H||DOE^JANE",
                "RXA|0|1|" + secret + "||08^HepB^CVX")))
                .isInstanceOf(ConversionException.class).hasMessageContaining("RXA-3")
                .hasMessageNotContaining(secret).hasMessageNotContaining("DOE");
    }
}
