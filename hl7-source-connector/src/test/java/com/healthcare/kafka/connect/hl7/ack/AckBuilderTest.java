package com.healthcare.kafka.connect.hl7.ack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7.parse.ErrorClass;
import com.healthcare.kafka.connect.hl7.parse.Hl7Message;
import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;

class AckBuilderTest {

    private final AckBuilder builder = new AckBuilder("2.5", "T.");

    private static Hl7Message message(String version, String extra) throws Exception {
        return Hl7Message.parse("MSH|^~\\&|SA|SF|RA|RF|20240101||ADT^A01^ADT_A01|CID|P|" + version + extra
                + "\rPID|1\r", StandardCharsets.UTF_8);
    }

    private static String[] segments(String ack) {
        return ack.split("\r");
    }

    @Test
    void version23HasMsa3AndNoErr() throws Exception {
        String ack = builder.build(message("2.3", ""), "AE", "Error: bad|thing", ErrorClass.NOT_STORED);
        String[] seg = segments(ack);
        assertThat(seg).hasSize(2);
        assertThat(seg[0]).matches("MSH\\|\\^~\\\\&\\|RA\\|RF\\|SA\\|SF\\|\\d{14}\\.\\d{3}[+-]\\d{4}\\|\\|ACK\\^A01\\|T\\.1\\|P\\|2\\.3");
        assertThat(seg[1]).isEqualTo("MSA|AE|CID|Error: bad\\F\\thing");
    }

    @Test
    void version25HasMsa3AndErr() throws Exception {
        String[] seg = segments(builder.build(message("2.5", ""), "AR", "Message rejected: no", ErrorClass.UNSUPPORTED_TYPE));
        assertThat(seg[0]).contains("|ACK^A01^ACK|");
        assertThat(seg[1]).isEqualTo("MSA|AR|CID|Message rejected: no");
        assertThat(seg[2]).isEqualTo("ERR|||200^Unsupported message type^HL70357|E||||Message rejected: no");
    }

    @Test
    void version27DropsMsa3AndEchoesMsh18() throws Exception {
        String[] seg = segments(builder.build(message("2.7", "||||||UNICODE UTF-8"), "CE", "x", ErrorClass.INVALID));
        assertThat(seg[0]).endsWith("|P|2.7||||||UNICODE UTF-8");
        assertThat(seg[1]).isEqualTo("MSA|CE|CID");
        assertThat(seg[2]).startsWith("ERR|||102^Data type error^HL70357|E||||x");
    }

    @Test
    void successHasNoErrAndUnknownSenderGetsDefaults() throws Exception {
        assertThat(segments(builder.build(message("2.6", ""), "AA", "", null))[1]).isEqualTo("MSA|AA|CID");
        String[] seg = segments(builder.build(null, "AR", "garbage", ErrorClass.NO_MSH));
        assertThat(seg[0]).startsWith("MSH|^~\\&|||||").endsWith("|P|2.5");
        assertThat(seg[1]).isEqualTo("MSA|AR||garbage");
    }

    @Test
    void msa3IsCutAt80Characters() throws Exception {
        String[] seg = segments(builder.build(message("2.4", ""), "AE", "e".repeat(200), ErrorClass.NOT_STORED));
        assertThat(seg[1]).isEqualTo("MSA|AE|CID|" + "e".repeat(80));
    }

    @Test
    void batchResponseAnswersTheHeaders() {
        String out = builder.batch("FHS|^~\\&|SA|SF|RA|RF|1||||F1", "BHS|^~\\&|SA|SF|RA|RF|1||||B1", Hl7Delimiters.STANDARD,
                List.of("MSH|a\rMSA|AA|1\r", "MSH|b\rMSA|AA|2\r"));
        String[] seg = segments(out);
        assertThat(seg[0]).startsWith("FHS|^~\\&|RA|RF|SA|SF|").matches(".*\\|\\|\\|\\|T\\.\\w+\\|F1");
        assertThat(seg[1]).startsWith("BHS|^~\\&|RA|RF|SA|SF|").endsWith("|B1");
        assertThat(seg[seg.length - 2]).isEqualTo("BTS|2");
        assertThat(seg[seg.length - 1]).isEqualTo("FTS|1");
    }

    @Test
    void policyFollowsOriginalAndEnhancedModes() throws Exception {
        AckPolicy policy = AckPolicy.defaults();
        Outcome error = Outcome.failure(ErrorClass.NOT_STORED, "late");
        Outcome reject = Outcome.failure(ErrorClass.NO_MSH, "bad");
        assertThat(policy.code(message("2.5", ""), Outcome.SUCCESS)).isEqualTo("AA");
        assertThat(policy.code(message("2.5", ""), error)).isEqualTo("AE");
        assertThat(policy.code(null, reject)).isEqualTo("AR");
        assertThat(policy.text(error)).isEqualTo("Error processing message: late");
        assertThat(policy.code(message("2.5", "|||AL|NE"), Outcome.SUCCESS)).isEqualTo("CA");
        assertThat(policy.code(message("2.5", "|||NE|AL"), Outcome.SUCCESS)).isNull();
        assertThat(policy.code(message("2.5", "|||ER|NE"), Outcome.SUCCESS)).isNull();
        assertThat(policy.code(message("2.5", "|||ER|NE"), error)).isEqualTo("CE");
        assertThat(policy.code(message("2.5", "|||SU|NE"), reject)).isNull();
        assertThat(policy.code(message("2.5", "|||SU|NE"), Outcome.SUCCESS)).isEqualTo("CA");
        assertThat(policy.code(message("2.5", "||||AL"), reject)).as("empty MSH-15 next to MSH-16 means AL")
                .isEqualTo("CR");
    }

    @Test
    void versionComparison() {
        assertThat(AckBuilder.atLeast("2.3.1", 2, 3, 1)).isTrue();
        assertThat(AckBuilder.atLeast("2.3", 2, 3, 1)).isFalse();
        assertThat(AckBuilder.atLeast("2.8.1", 2, 7, 0)).isTrue();
        assertThat(AckBuilder.atLeast("2.6", 2, 7, 0)).isFalse();
    }
}
