package com.healthcare.kafka.connect.hl7.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FrameContentTest {

    @Test
    void charsetComesFromMsh18() throws Exception {
        String text = "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5||||||8859/1\rPID|1||1||Ærøskøbing\r";
        FrameContent content = FrameContent.decode(text.getBytes(StandardCharsets.ISO_8859_1), null);
        assertThat(content.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(content.messages()).containsExactly(text);
    }

    @Test
    void undeclaredMeansStrictUtf8AndTheOverrideWins() throws Exception {
        String text = "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rPID|1||1||Zoë\r";
        assertThat(FrameContent.decode(text.getBytes(StandardCharsets.UTF_8), null).messages()).containsExactly(text);
        byte[] latin = text.getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> FrameContent.decode(latin, null)).isInstanceOf(Hl7InputException.class)
                .hasMessageContaining("not valid UTF-8")
                .satisfies(e -> assertThat(((Hl7InputException) e).errorClass()).isEqualTo(ErrorClass.UNDECODABLE));
        assertThat(FrameContent.decode(latin, StandardCharsets.ISO_8859_1).messages()).containsExactly(text);
    }

    @Test
    void unknownMsh18IsUndecodable() {
        byte[] bytes = "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5||||||KLINGON\r".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> FrameContent.decode(bytes, null)).hasMessageContaining("'KLINGON' is not in HL7 table 0211");
    }

    @Test
    void lineEndingsAreNormalisedToCarriageReturns() {
        assertThat(FrameContent.normalise("\r\nMSH|x\r\nPID|1\nPV1|1\rZZZ|1\n")).isEqualTo("MSH|x\rPID|1\rPV1|1\rZZZ|1\r");
    }

    @Test
    void batchesSplitIntoMessages() throws Exception {
        String m1 = "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rPID|1\r";
        String m2 = "MSH|^~\\&|A|B|C|D|1||ADT^A01|2|P|2.5\rPID|2\r";
        String batch = "FHS|^~\\&|A\rBHS|^~\\&|A\r" + m1 + m2 + "BTS|2\rFTS|1\r";
        FrameContent content = FrameContent.decode(batch.getBytes(StandardCharsets.US_ASCII), null);
        assertThat(content.isBatch()).isTrue();
        assertThat(content.fileHeader()).isEqualTo("FHS|^~\\&|A");
        assertThat(content.batchHeader()).isEqualTo("BHS|^~\\&|A");
        assertThat(content.messages()).containsExactly(m1, m2);
    }

    @Test
    void noMshIsRejected() {
        assertThatThrownBy(() -> FrameContent.decode("PID|1\r".getBytes(StandardCharsets.US_ASCII), null))
                .satisfies(e -> assertThat(((Hl7InputException) e).errorClass()).isEqualTo(ErrorClass.NO_MSH));
        assertThat(FrameContent.isBlank(" \r\n".getBytes(StandardCharsets.US_ASCII))).isTrue();
    }
}
