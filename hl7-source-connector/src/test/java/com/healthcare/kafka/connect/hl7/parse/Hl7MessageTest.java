package com.healthcare.kafka.connect.hl7.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.hl7v2.Hl7Escapes;

class Hl7MessageTest {

    private static Hl7Message parse(String text) throws Hl7InputException {
        return Hl7Message.parse(text, StandardCharsets.UTF_8);
    }

    @Test
    void readsHeaderFieldsComponentsAndThePatientId() throws Exception {
        Hl7Message m = parse("MSH|^~\\&|APP^1.2.3^ISO|^2.16.840^ISO|RAPP|RFAC|20240101120000.123+0100^S||"
                + "ORU^R01^ORU_R01|C\\F\\1|T^A|2.5.1^USA|||AL|NE||UNICODE UTF-8\r"
                + "PID|1||ID1\\S\\X^^^AUTH&1.2&ISO^MR~ID2^^^OTHER||Doe^John\r");
        assertThat(m.sendingApplication()).isEqualTo("APP");
        assertThat(m.sendingFacility()).as("universal id when the namespace is empty").isEqualTo("2.16.840");
        assertThat(m.messageTime()).isEqualTo("20240101120000.123+0100");
        assertThat(m.messageType()).isEqualTo("ORU");
        assertThat(m.triggerEvent()).isEqualTo("R01");
        assertThat(m.messageStructure()).isEqualTo("ORU_R01");
        assertThat(m.controlId()).as("escapes decoded").isEqualTo("C|1");
        assertThat(m.processingId()).isEqualTo("T");
        assertThat(m.version()).isEqualTo("2.5.1");
        assertThat(m.acceptAckType()).isEqualTo("AL");
        assertThat(m.applicationAckType()).isEqualTo("NE");
        assertThat(m.mshField(18)).isEqualTo("UNICODE UTF-8");
        assertThat(m.patientId()).as("first repetition, escapes decoded").isEqualTo("ID1^X");
        assertThat(m.patientIdAuthority()).isEqualTo("AUTH");
        assertThat(m.dedupKey()).isEqualTo("APP^1.2.3^ISO\u0000^2.16.840^ISO\u0000C\\F\\1");
    }

    @Test
    void honoursCustomDelimiters() throws Exception {
        Hl7Message m = parse("MSH#$*@%#S#F#R#G#1##ADT$A04#X9#P#2.4\rPID#1##P77$$$H\r");
        assertThat(m.separators().component()).isEqualTo('$');
        assertThat(m.messageType()).isEqualTo("ADT");
        assertThat(m.triggerEvent()).isEqualTo("A04");
        assertThat(m.patientId()).isEqualTo("P77");
        assertThat(m.patientIdAuthority()).isEqualTo("H");
    }

    @Test
    void missingPidAndMalformedHeaders() throws Exception {
        assertThat(parse("MSH|^~\\&|A|B|C|D|1||ACK|9|P|2.3\rMSA|AA|1\r").patientId()).isNull();
        assertThatThrownBy(() -> parse("MSHx^~\\&|A")).satisfies(e ->
                assertThat(((Hl7InputException) e).errorClass()).isEqualTo(ErrorClass.MALFORMED));
        assertThatThrownBy(() -> parse("MSH|^^\\&|A|B")).hasMessageContaining("distinct");
        assertThatThrownBy(() -> parse("PID|1")).satisfies(e ->
                assertThat(((Hl7InputException) e).errorClass()).isEqualTo(ErrorClass.NO_MSH));
    }

    @Test
    void escapesRoundTrip() {
        // the shared reader's escapes (hl7-v2 module): hex and formatting stay as written in field values
        Hl7Delimiters s = Hl7Delimiters.STANDARD;
        String text = "a|b^c&d~e\\f";
        assertThat(Hl7Escapes.escape(text, s)).isEqualTo("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
        assertThat(Hl7Escapes.unescape(Hl7Escapes.escape(text, s), s)).isEqualTo(text);
        assertThat(Hl7Escapes.unescape("x\\X41\\y\\.br\\z", s)).isEqualTo("x\\X41\\y\\.br\\z");
    }

    @Test
    void latin1UnderItsDicomNameAndAnMsh2WithoutEscapeReadLikeTheTransformsDo() throws Exception {
        // MSH-18 "ISO IR100" is Latin-1 in the source as in the transforms (one table 0211 for the bundle)
        byte[] latin1 = ("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5||||||ISO IR100\rPID|1||M\u00fcller\r")
                .getBytes(StandardCharsets.ISO_8859_1);
        FrameContent content = FrameContent.decode(latin1, null);
        assertThat(content.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(Hl7Message.parse(content.messages().get(0), content.charset()).patientId()).isEqualTo("M\u00fcller");
        // MSH-2 "^~": no escape character, no subcomponent separator, so backslash and ampersand are data
        Hl7Message m = Hl7Message.parse("MSH|^~|A&B|F\\S\\|C|D|20240101||ADT^A01|2|P|2.5\rPID|1||X\\T\\Y&Z\r",
                StandardCharsets.UTF_8);
        assertThat(m.separators().escape()).isEqualTo((char) 0);
        assertThat(m.sendingApplication()).isEqualTo("A&B");
        assertThat(m.sendingFacility()).isEqualTo("F\\S\\");
        assertThat(m.patientId()).isEqualTo("X\\T\\Y&Z");
    }
}
