package com.healthcare.kafka.connect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Issue 13.1: Hl7ToFhir bounds its own output, counted as stored, and routes the original with a reason. */
class Hl7ToFhirBoundsTest {

    /** An ORU of about 450 KB whose OBX-5 (FT) repeats a word and the HL7 escape for 100 line breaks. */
    static String spOru() {
        StringBuilder obx5 = new StringBuilder();
        while (obx5.length() < 450_000) {
            obx5.append("x\\.sp100\\");
        }
        return "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240517140000||ORU^R01^ORU_R01|SP1|P|2.5\r"
                + "PID|1||MRN1^^^HOSP^MR||DOE^JANE||19800101|F\r"
                + "OBR|1|ORD1|FIL1|11529-5^Surgical path report^LN|||20240517130000\r"
                + "OBX|1|FT|11529-5^Surgical path report^LN||" + obx5 + "||||||F\r";
    }

    static Hl7ToFhir<SourceRecord> smt(String... kv) {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            config.put(kv[i], kv[i + 1]);
        }
        Hl7ToFhir<SourceRecord> t = new Hl7ToFhir<>();
        t.configure(config);
        return t;
    }

    static SourceRecord record(String value) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("hl7.control.id", "SP1");
        return new SourceRecord(Map.of(), Map.of(), "hl7.ORU", 0, Schema.STRING_SCHEMA, "MRN1",
                Schema.STRING_SCHEMA, value, 1L, headers);
    }

    @Test
    void aBundleOverTheLimitIsNotEmittedTheOriginalIsRoutedWithTheReason() {
        String oru = spOru();
        assertThat(oru.length()).isBetween(450_000, 460_000);
        // What the Bundle would be with no limit: over 10 MB once JsonConverter has stored it.
        SourceRecord unbounded = smt("bundle.max.bytes", Integer.toString(Integer.MAX_VALUE)).apply(record(oru));
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
        byte[] stored = json.fromConnectData("hl7.ORU", unbounded.valueSchema(), unbounded.value());
        assertThat(stored.length).isGreaterThan(10_000_000);
        assertThat(BundleTooLargeException.storedBytes((String) unbounded.value())).isEqualTo(stored.length);

        SourceRecord out = smt().apply(record(oru));
        assertThat(out.topic()).isEqualTo("hl7.fhir.errors");
        assertThat(out.value()).as("the original, unchanged").isSameAs(oru);
        assertThat(out.headers().lastWithName(Hl7ToFhir.HEADER_ERROR_CLASS).value())
                .isEqualTo(BundleTooLargeException.class.getName());
        assertThat((String) out.headers().lastWithName(Hl7ToFhir.HEADER_ERROR_MESSAGE).value())
                .contains("bytes as stored").contains("bundle.max.bytes=900000").doesNotContain("DOE");
        assertThat(out.headers().lastWithName(Hl7ToFhir.HEADER_ERROR_TOPIC).value()).isEqualTo("hl7.ORU");
        assertThat(oru.getBytes(StandardCharsets.UTF_8).length).as("the routed original fits").isLessThan(1 << 20);
    }

    @Test
    void theLimitCountsJsonEscapingAndFollowsBehaviorOnError() {
        String small = "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240517140000||ORU^R01^ORU_R01|SP2|P|2.5\r"
                + "PID|1||MRN1^^^HOSP^MR||DOE^JANE||19800101|F\r";
        String bundle = (String) smt().apply(record(small)).value();
        long stored = BundleTooLargeException.storedBytes(bundle);
        assertThat(stored).as("quotes are escaped when stored").isGreaterThan(bundle.length() + 10);
        // Just at the limit: emitted; one byte under: routed.
        assertThat(smt("bundle.max.bytes", Long.toString(stored)).apply(record(small)).topic()).isEqualTo("hl7.ORU");
        assertThat(smt("bundle.max.bytes", Long.toString(stored - 1)).apply(record(small)).topic())
                .isEqualTo("hl7.fhir.errors");
        SourceRecord passed = smt("bundle.max.bytes", "1024", "behavior.on.error", "passthrough").apply(record(spOru()));
        assertThat(passed.topic()).isEqualTo("hl7.ORU");
        assertThat(passed.headers().lastWithName(Hl7ToFhir.HEADER_ERROR_CLASS)).isNotNull();
        assertThatThrownBy(() -> smt("behavior.on.error", "fail").apply(record(spOru())))
                .isInstanceOf(DataException.class).hasMessageContaining("bundle.max.bytes");
    }

    @Test
    void storedBytesCountsUtf8AndEscapes() {
        assertThat(BundleTooLargeException.storedBytes("")).isEqualTo(2);
        assertThat(BundleTooLargeException.storedBytes("a\"\\\n\u0001")).isEqualTo(2 + 1 + 2 + 2 + 2 + 6);
        assertThat(BundleTooLargeException.storedBytes("\u00e9\u20ac\ud83d\ude00")).isEqualTo(2 + 2 + 3 + 4);
    }
}
