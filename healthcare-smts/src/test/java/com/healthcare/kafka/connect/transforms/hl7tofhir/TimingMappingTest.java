package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.PID;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationReferenceRangeComponent;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/** Appointment times (TQ1, AIx, SCH-11 fallback), order timing periods and reference ranges. */
class TimingMappingTest {

    private static final String SCH = seg("SCH", 1, "A9^S", 2, "F9^S", 9, "2", 10, "H^hours",
            11, "^^^20240320080000^20240320083000", 25, "Booked");

    @Test
    void tq1WinsOverTheDeprecatedSch11() {
        Appointment a = one(bundle(msg(msh("SIU^S12", "2.6"), SCH,
                seg("TQ1", 1, "1", 7, "20240415090000", 8, "20240415110000"), PID)), Appointment.class);
        assertThat(a.getStartElement().getValueAsString()).isEqualTo("2024-04-15T09:00:00+00:00");
        assertThat(a.getEndElement().getValueAsString()).isEqualTo("2024-04-15T11:00:00+00:00");
        assertThat(a.getMinutesDuration()).as("SCH-9 in SCH-10 hours").isEqualTo(120);
    }

    @Test
    void aisStartWinsOverSch11AndItsDurationGivesTheEnd() {
        Appointment a = one(bundle(msg(msh("SIU^S12", "2.5"), SCH, PID, "RGS|1",
                seg("AIS", 1, "1", 3, "99214^Visit^C4", 4, "20240321100000", 7, "45", 8, "min"))), Appointment.class);
        assertThat(a.getStartElement().getValueAsString()).isEqualTo("2024-03-21T10:00:00+00:00");
        assertThat(a.getEndElement().getValueAsString()).isEqualTo("2024-03-21T10:45:00+00:00");
    }

    @Test
    void sch11IsTheFallbackWithoutTq1OrAis() {
        Appointment a = one(bundle(msg(msh("SIU^S12", "2.3"), SCH, PID)), Appointment.class);
        assertThat(a.getStartElement().getValueAsString()).isEqualTo("2024-03-20T08:00:00+00:00");
        assertThat(a.getEndElement().getValueAsString()).isEqualTo("2024-03-20T08:30:00+00:00");
        // A start alone: the end from SCH-9/SCH-10 (2 hours).
        Appointment b = one(bundle(msg(msh("SIU^S12", "2.3"),
                seg("SCH", 1, "A8^S", 9, "2", 10, "H", 11, "^^^20240320080000", 25, "Booked"), PID)), Appointment.class);
        assertThat(b.getEndElement().getValueAsString()).isEqualTo("2024-03-20T10:00:00+00:00");
    }

    @Test
    void durationUnitsAreReadNotGuessed() {
        BundleContext ctx = new BundleContext(com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Message
                .parse(msg(msh("SIU^S12", "2.5"), PID)), Convert.DEFAULT.types());
        assertThat(ScheduleMapper.minutes(ctx, "1", "WK", "SCH-9")).isEqualTo(7 * 24 * 60);
        assertThat(ScheduleMapper.minutes(ctx, "90", "s", "SCH-9")).isEqualTo(2);
        assertThat(ScheduleMapper.minutes(ctx, "1.5", "h", "SCH-9")).isEqualTo(90);
        assertThat(ScheduleMapper.minutes(ctx, "20", null, "SCH-9")).isEqualTo(20);
        assertThat(ScheduleMapper.minutes(ctx, "3", "MO", "SCH-9")).as("months are no fixed span").isNull();
        assertThat(ctx.types.warnings()).singleElement().asString().startsWith("SCH-9");
    }

    @Test
    void orderTimingWithAnEndIsAPeriod() {
        ServiceRequest viaOrc7 = one(bundle(msg(msh("ORM^O01", "2.3"), PID,
                seg("ORC", 1, "NW", 2, "P1^EHR", 7, "^^^20240301^20240331"),
                seg("OBR", 1, "1", 2, "P1^EHR", 4, "2345-7^Glucose^LN"))), ServiceRequest.class);
        assertThat(viaOrc7.getOccurrencePeriod().getStartElement().getValueAsString()).isEqualTo("2024-03-01");
        assertThat(viaOrc7.getOccurrencePeriod().getEndElement().getValueAsString()).isEqualTo("2024-03-31");
        ServiceRequest viaTq1 = one(bundle(msg(msh("OML^O21", "2.5.1"), PID, seg("ORC", 1, "NW", 2, "P2^EHR"),
                seg("TQ1", 1, "1", 7, "20240301", 8, "20240305"),
                seg("OBR", 1, "1", 2, "P2^EHR", 4, "2345-7^Glucose^LN"))), ServiceRequest.class);
        assertThat(viaTq1.getOccurrencePeriod().getEndElement().getValueAsString()).isEqualTo("2024-03-05");
        ServiceRequest startOnly = one(bundle(msg(msh("ORM^O01", "2.3"), PID,
                seg("ORC", 1, "NW", 2, "P3^EHR", 7, "^^^20240301"),
                seg("OBR", 1, "1", 2, "P3^EHR", 4, "2345-7^Glucose^LN"))), ServiceRequest.class);
        assertThat(startOnly.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2024-03-01");
    }

    private static ObservationReferenceRangeComponent range(String type, String value, String range) {
        Observation o = one(bundle(msg(msh("ORU^R01", "2.5.1"), PID,
                seg("OBR", 1, "1", 3, "F1^LAB", 4, "24323-8^Panel^LN", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, type, 3, "2345-7^Glucose^LN", 5, value, 6, "mmol/L", 7, range, 11, "F"))),
                Observation.class);
        return o.getReferenceRangeFirstRep();
    }

    @Test
    void anUnreadableDateOrTimeResultIsKeptAsTextWithAWarning() {
        String hl7 = msg(msh("ORU^R01", "2.5.1"), PID,
                seg("OBR", 1, "1", 3, "F1^LAB", 4, "24323-8^Panel^LN", 7, "20240312", 25, "F"),
                seg("OBX", 1, "1", 2, "DT", 3, "11778-8^Delivery date^LN", 5, "2024-13-45", 11, "F"),
                seg("OBX", 1, "2", 2, "TM", 3, "X^Time^L", 5, "25:99", 11, "F"));
        java.util.List<Observation> obs = Convert.all(bundle(hl7), Observation.class);
        assertThat(obs).extracting(o -> o.getValueStringType().getValue()).containsExactly("2024-13-45", "25:99");
        assertThat(Convert.DEFAULT.convert(hl7).warnings()).containsExactly(
                "OBX-5 (segment 4): not a valid HL7 timestamp, kept as text",
                "OBX-5 (segment 5): not a valid HL7 time, kept as text");
    }

    @Test
    void referenceRangesBecomeLowAndHighAndKeepTheirText() {
        ObservationReferenceRangeComponent to = range("NM", "5.1", "4.3 to 6.2");
        assertThat(to.getLow().getValue()).isEqualByComparingTo("4.3");
        assertThat(to.getHigh().getValue()).isEqualByComparingTo("6.2");
        assertThat(to.getHigh().getCode()).isEqualTo("mmol/L");
        assertThat(to.getText()).isEqualTo("4.3 to 6.2");
        ObservationReferenceRangeComponent dash = range("NM", "5.1", "4.3-6.2");
        assertThat(dash.getLow().getValue()).isEqualByComparingTo("4.3");
        assertThat(dash.getHigh().getValue()).isEqualByComparingTo("6.2");
        ObservationReferenceRangeComponent below = range("NM", "3", "<5");
        assertThat(below.hasLow()).isFalse();
        assertThat(below.getHigh().getValue()).isEqualByComparingTo("5");
        ObservationReferenceRangeComponent above = range("NM", "30", ">10");
        assertThat(above.getLow().getValue()).isEqualByComparingTo("10");
        assertThat(above.hasHigh()).isFalse();
        // A non-numeric value still gets numeric bounds in OBX-6's unit.
        ObservationReferenceRangeComponent text = range("ST", "normal", "4.3-6.2");
        assertThat(text.getLow().getUnit()).isEqualTo("mmol/L");
        ObservationReferenceRangeComponent words = range("NM", "5", "negative");
        assertThat(words.hasLow() || words.hasHigh()).isFalse();
        assertThat(words.getText()).isEqualTo("negative");
    }
}
