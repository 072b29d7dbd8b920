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

import java.nio.charset.StandardCharsets;

import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** SCH/AIS/AIG/AIL/AIP (Appointment) and TXA with MDM OBX content (DocumentReference). */
class ScheduleDocumentMappingTest {

    @Test
    void schAndResourcesBecomeAnAppointment() {
        Bundle b = bundle(msg(msh("SIU^S12^SIU_S12", "2.5"),
                seg("SCH", 1, "A1^SCHED", 2, "FA1^SCHED", 7, "ROUTINE^Routine^HL70276", 8, "FOLLOWUP^Follow-up^HL70277",
                        9, "30", 10, "MIN", 11, "^^30^20240320140000-0500^20240320143000-0500",
                        16, "7^SCHED^SUE", 20, "7^SCHED^SUE", 25, "Booked"),
                "NTE|1||Afternoons preferred", PID, "RGS|1",
                seg("AIS", 1, "1", 3, "99214^Office visit^C4", 4, "20240320140000-0500", 7, "30", 8, "MIN"),
                seg("AIG", 1, "1", 3, "ECHO1^Echo machine", 4, "EQ^Equipment"),
                seg("AIL", 1, "1", 3, "CLINIC^EXAM3^^HOSP", 4, "EXAM^Exam room"),
                seg("AIP", 1, "1", 3, "12^DOC^DORA^^^DR", 4, "ATND^Attending^HL70443", 12, "Booked"),
                "NTE|1||Bring prior results"));
        Appointment a = one(b, Appointment.class);
        assertThat(entry(b, a).getRequest().getUrl()).isEqualTo("Appointment?identifier=urn:id:SCHED|FA1");
        assertThat(a.getStatus().toCode()).isEqualTo("booked");
        assertThat(a.getStartElement().getValueAsString()).isEqualTo("2024-03-20T14:00:00-05:00");
        assertThat(a.getEndElement().getValueAsString()).isEqualTo("2024-03-20T14:30:00-05:00");
        assertThat(a.getMinutesDuration()).isEqualTo(30);
        assertThat(a.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("ROUTINE");
        assertThat(a.getAppointmentType().getCodingFirstRep().getCode()).isEqualTo("FOLLOWUP");
        assertThat(a.getServiceTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("99214");
        assertThat(a.getComment()).isEqualTo("Afternoons preferred\nBring prior results");
        assertThat(a.getParticipant()).hasSize(5);
        assertThat(a.getParticipantFirstRep().getActor().getReference())
                .as("the patient comes first, though PID follows SCH").isEqualTo(entry(b, one(b, Patient.class)).getFullUrl());
        assertThat(a.getParticipant()).extracting(p -> p.getActor().getDisplay())
                .contains("SUE SCHED", "Echo machine", "DR DORA DOC");
    }

    @Test
    void appointmentTimesComeFromTq1AndCancellationsNeedNone() {
        Appointment a = one(bundle(msg(msh("SIU^S12", "2.6"), seg("SCH", 1, "A2^S", 25, "Booked"),
                seg("TQ1", 1, "1", 7, "20240415090000", 8, "20240415093000"), PID)), Appointment.class);
        assertThat(a.getEndElement().getValueAsString()).isEqualTo("2024-04-15T09:30:00+00:00");
        Appointment cancelled = one(bundle(msg(msh("SIU^S15", "2.5"), seg("SCH", 1, "A3^S"), PID)), Appointment.class);
        assertThat(cancelled.getStatus().toCode()).isEqualTo("cancelled");
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("SIU^S12", "2.5"), seg("SCH", 1, "A4^S"), PID)))
                .isInstanceOf(ConversionException.class).hasMessageContaining("start and end");
    }

    @Test
    void txaAndTextObxBecomeADocumentReference() {
        Bundle b = bundle(msg(msh("MDM^T02", "2.3"), "EVN|T02|200403121545", PID,
                seg("TXA", 1, "1", 2, "DS^Discharge Summary^HL70270", 3, "TX", 4, "200403121500",
                        6, "200403121530", 9, "1^DOC^DON", 10, "1^DOC^DON", 12, "D-1^TRANS", 16, "ds1.txt", 17, "AU", 19, "AV"),
                "OBX|1|TX|11490-0^Discharge summary^LN||Line one \\T\\ more",
                "OBX|2|TX|11490-0^Discharge summary^LN||Line two\\.br\\Line three"));
        DocumentReference d = one(b, DocumentReference.class);
        assertThat(d.getMasterIdentifier().getValue()).isEqualTo("D-1");
        assertThat(entry(b, d).getRequest().getUrl()).isEqualTo("DocumentReference?identifier=urn:id:TRANS|D-1");
        assertThat(d.getStatus().toCode()).isEqualTo("current");
        assertThat(d.getDocStatus().toCode()).isEqualTo("final");
        assertThat(d.getType().getCodingFirstRep().getCode()).isEqualTo("DS");
        assertThat(d.getDateElement().getValueAsString()).isEqualTo("2004-03-12T15:30:00+00:00");
        assertThat(d.getAuthorFirstRep().getDisplay()).isEqualTo("DON DOC");
        assertThat(d.getContext().getPeriod().getStartElement().getValueAsString()).isEqualTo("2004-03-12T15:00:00+00:00");
        assertThat(d.getContent()).hasSize(1);
        assertThat(d.getContentFirstRep().getAttachment().getContentType()).isEqualTo("text/plain");
        assertThat(new String(d.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
                .isEqualTo("Line one & more\nLine two\nLine three");
    }

    @Test
    void addendumRelatesToItsParentAndCancelIsEnteredInError() {
        DocumentReference add = one(bundle(msg(msh("MDM^T06", "2.6"), PID,
                seg("TXA", 1, "1", 2, "CN", 12, "D-2^SYS", 13, "D-1^SYS", 17, "AU"),
                "OBX|1|TX|1^Note^L||Addendum text")), DocumentReference.class);
        assertThat(add.getRelatesToFirstRep().getCode().toCode()).isEqualTo("appends");
        assertThat(add.getRelatesToFirstRep().getTarget().getIdentifier().getValue()).isEqualTo("D-1");
        DocumentReference cancelled = one(bundle(msg(msh("MDM^T11", "2.6"), PID, seg("TXA", 1, "1", 2, "CN", 12, "D-3^SYS"))),
                DocumentReference.class);
        assertThat(cancelled.getStatus().toCode()).isEqualTo("entered-in-error");
        assertThat(cancelled.getContentFirstRep().getAttachment().getTitle()).as("content is required").isNotBlank();
    }
}
