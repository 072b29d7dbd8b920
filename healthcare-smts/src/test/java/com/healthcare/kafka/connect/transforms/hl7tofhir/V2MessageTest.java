package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.hl7v2.Hl7Escapes;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Message;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2ParseException;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** The ER7 parser: delimiters, terminators, repetitions, components, subcomponents, escapes, HL7 null. */
class V2MessageTest {

    @Test
    void readsFieldsRepetitionsComponentsAndSubcomponents() {
        V2Message m = V2Message.parse("MSH|^~\\&|APP|FAC|||20240101||ADT^A01^ADT_A01|C1|P|2.5.1\r"
                + "PID|1||A1^^^AUTH&1.2.3&ISO^MR~B2^^^OTHER^PI||DOE^JANE^Q~ROE^JAN\r");
        V2Segment pid = m.segments().get(1);
        assertThat(m.messageCode()).isEqualTo("ADT");
        assertThat(m.triggerEvent()).isEqualTo("A01");
        assertThat(m.messageStructure()).isEqualTo("ADT_A01");
        assertThat(m.controlId()).isEqualTo("C1");
        assertThat(m.version()).isEqualTo("2.5.1");
        assertThat(pid.repetitions(3)).hasSize(2);
        V2Composite first = pid.repetitions(3).get(0);
        assertThat(first.get(1)).isEqualTo("A1");
        assertThat(first.get(4, 1)).isEqualTo("AUTH");
        assertThat(first.get(4, 2)).isEqualTo("1.2.3");
        assertThat(first.get(4, 3)).isEqualTo("ISO");
        assertThat(first.get(4)).as("a component reads as its first subcomponent").isEqualTo("AUTH");
        assertThat(pid.repetitions(3).get(1).get(4)).isEqualTo("OTHER");
        assertThat(pid.repetitions(5).get(1).get(2)).isEqualTo("JAN");
        assertThat(pid.get(5, 3)).isEqualTo("Q");
        assertThat(pid.get(99)).isNull();
    }

    @Test
    void mshFieldNumbersCountTheSeparatorAsField1() {
        V2Segment msh = V2Message.parse("MSH|^~\\&|APP|FAC|RAPP|RFAC|20240101||ORU^R01|C1|P|2.3").msh();
        assertThat(msh.raw(1)).isEqualTo("|");
        assertThat(msh.raw(2)).isEqualTo("^~\\&");
        assertThat(msh.get(3)).isEqualTo("APP");
        assertThat(msh.get(12)).isEqualTo("2.3");
    }

    @Test
    void acceptsCrLfAndCrLfTerminatorsAndSkipsBlankLines() {
        for (String sep : new String[] {"\r", "\n", "\r\n"}) {
            V2Message m = V2Message.parse("MSH|^~\\&|A|B|||20240101||ADT^A08|1|P|2.4" + sep + sep + "EVN|A08" + sep
                    + "PID|1||X^^^Y" + sep);
            assertThat(m.segments()).extracting(V2Segment::name).containsExactly("MSH", "EVN", "PID");
        }
    }

    @Test
    void usesTheDelimitersTheMessageDeclares() {
        V2Message m = V2Message.parse("MSH#$*@%#APP#FAC#####ADT$A01#1#P#2.5\rPID#1##A1$$$AUTH%1.2%ISO*B2##DOE$JOHN");
        V2Segment pid = m.segments().get(1);
        assertThat(m.messageCode()).isEqualTo("ADT");
        assertThat(pid.repetitions(3)).hasSize(2);
        assertThat(pid.get(3, 4, 2)).isEqualTo("1.2");
        assertThat(pid.get(5, 2)).isEqualTo("JOHN");
    }

    @Test
    void resolvesEveryEscapeSequence() {
        Hl7Delimiters d = Hl7Delimiters.STANDARD;
        assertThat(Hl7Escapes.toPlainText("A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\F", d)).isEqualTo("A|B^C&D~E\\F");
        assertThat(Hl7Escapes.toPlainText("line1\\.br\\line2", d)).isEqualTo("line1\nline2");
        assertThat(Hl7Escapes.toPlainText("\\H\\bold\\N\\ text", d)).isEqualTo("bold text");
        assertThat(Hl7Escapes.toPlainText("Montr\\XC3A9\\al", d)).isEqualTo("Montréal");
        assertThat(Hl7Escapes.toPlainText("caf\\XE9\\", d)).as("non-UTF-8 hex falls back to Latin-1").isEqualTo("café");
        assertThat(Hl7Escapes.toPlainText("\\C2842\\x\\M2442\\", d)).isEqualTo("x");
        assertThat(Hl7Escapes.toPlainText("a\\Zlocal\\b", d)).isEqualTo("ab");
        assertThat(Hl7Escapes.toPlainText("a\\.sp2\\b", d)).isEqualTo("a\n\nb");
        assertThat(Hl7Escapes.toPlainText("unknown \\Q\\ kept", d)).isEqualTo("unknown \\Q\\ kept");
        assertThat(Hl7Escapes.toPlainText("dangling \\ backslash", d)).isEqualTo("dangling \\ backslash");
        assertThat(Hl7Escapes.toPlainText("truncated\\P\\", d)).isEqualTo("truncated#");
    }

    @Test
    void escapeAndUnescapeRoundTrip() {
        String s = "a|b^c&d~e\\f\nnext";
        assertThat(Hl7Escapes.toPlainText(Hl7Escapes.escape(s, Hl7Delimiters.STANDARD), Hl7Delimiters.STANDARD)).isEqualTo(s);
    }

    @Test
    void hl7NullAndEmptyComponentsReadAsAbsent() {
        V2Segment pid = V2Message.parse("MSH|^~\\&|A|B|||20240101||ADT^A08|1|P|2.4\rPID|1||\"\"||^^||\"\"").segments().get(1);
        assertThat(pid.has(3)).isFalse();
        assertThat(pid.has(5)).isFalse();
        assertThat(pid.get(7)).isNull();
        assertThat(pid.repetitions(5)).isEmpty();
    }

    @Test
    void zSegmentsParseLikeAnyOther() {
        V2Message m = V2Message.parse("MSH|^~\\&|A|B|||20240101||ADT^A08|1|P|2.4\rZPI|1|custom^value\rPID|1");
        assertThat(m.segments()).extracting(V2Segment::name).containsExactly("MSH", "ZPI", "PID");
    }

    @Test
    void rejectsWhatIsNotAMessage() {
        assertThatThrownBy(() -> V2Message.parse("")).isInstanceOf(V2ParseException.class);
        assertThatThrownBy(() -> V2Message.parse("PID|1||X")).isInstanceOf(V2ParseException.class)
                .hasMessageContaining("MSH");
        assertThatThrownBy(() -> V2Message.parse("FHS|^~\\&\rBHS|^~\\&\rMSH|^~\\&|A")).isInstanceOf(V2ParseException.class)
                .hasMessageContaining("batch");
        assertThatThrownBy(() -> V2Message.parse("MSH|^~\\&|A|B\rthis is free text\r")).isInstanceOf(V2ParseException.class)
                .hasMessageContaining("segment 2");
        assertThatThrownBy(() -> V2Message.parse("MSH")).isInstanceOf(V2ParseException.class);
        assertThatThrownBy(() -> V2Message.parse("MSH|^^\\&|A")).isInstanceOf(V2ParseException.class)
                .hasMessageContaining("distinct");
    }

    @Test
    void toleratesByteOrderMarkAndMllpFraming() {
        V2Message m = V2Message.parse("\uFEFF\u000BMSH|^~\\&|A|B|||20240101||ADT^A08|1|P|2.4\rPID|1\r\u001C\r");
        assertThat(m.segments()).extracting(V2Segment::name).containsExactly("MSH", "PID");
    }
}
