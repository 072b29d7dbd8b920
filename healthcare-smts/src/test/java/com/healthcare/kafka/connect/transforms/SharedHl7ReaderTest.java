package com.healthcare.kafka.connect.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * Hl7ToFhir and MaskPhi read bytes and delimiters as the HL7 source does (the shared hl7-v2 reader): MSH-18
 * "ISO IR100" is Latin-1, MSH-2 "^~" has no escape character, an unknown MSH-18 is an error and not read as UTF-8.
 */
class SharedHl7ReaderTest {

    private static final String ADT = "MSH|^~\\&|EPIC|HOSP|RCV|RFAC|20240312083015||ADT^A01^ADT_A01|C1|P|2.5.1"
            + "||||||ISO IR100\rEVN|A01|20240312083000\rPID|1||MRN1^^^HOSP^MR||M\u00dcLLER^JOS\u00c9||19800101|F\r";

    private static SourceRecord bytes(byte[] value) {
        return new SourceRecord(Map.of(), Map.of(), "hl7.ADT", null, null, null, value);
    }

    @Test
    void isoIr100IsLatin1InHl7ToFhir() {
        try (Hl7ToFhir<SourceRecord> smt = new Hl7ToFhir<>()) {
            smt.configure(Map.of("bundle.type", "collection"));
            SourceRecord out = smt.apply(bytes(ADT.getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(out.topic()).isEqualTo("hl7.ADT");
            assertThat((String) out.value()).contains("M\u00dcLLER").contains("JOS\u00c9");
        }
    }

    @Test
    void isoIr100IsLatin1InMaskPhi() {
        try (MaskPhi.Value<SourceRecord> smt = new MaskPhi.Value<>()) {
            smt.configure(Map.of("rules", "PID-5.1:replace:NAME"));
            byte[] masked = (byte[]) smt.apply(bytes(ADT.getBytes(StandardCharsets.ISO_8859_1))).value();
            String text = new String(masked, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("PID|1||MRN1^^^HOSP^MR||NAME^JOS\u00c9||");
        }
    }

    @Test
    void anUnknownCharsetIsRoutedNotReadAsUtf8() {
        try (Hl7ToFhir<SourceRecord> smt = new Hl7ToFhir<>()) {
            smt.configure(Map.of("error.topic", "fhir.errors"));
            SourceRecord out = smt.apply(bytes(ADT.replace("ISO IR100", "KLINGON")
                    .getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(out.topic()).isEqualTo("fhir.errors");
            assertThat((String) out.headers().lastWithName("hl7tofhir.error.message").value())
                    .contains("KLINGON").contains("table 0211");
        }
    }

    @Test
    void anMsh2WithoutEscapeCharacterKeepsBackslashesAsData() {
        String text = "MSH|^~|EPIC|HOSP|||20240312||ADT^A01|C2|P|2.5\rPID|1||MRN1^^^HOSP^MR||O\\S\\NEIL^ANN\r";
        try (Hl7ToFhir<SourceRecord> smt = new Hl7ToFhir<>()) {
            smt.configure(Map.of("bundle.type", "collection"));
            String json = (String) smt.apply(new SourceRecord(Map.of(), Map.of(), "hl7.ADT", null, null, null, text))
                    .value();
            assertThat(json).contains("O\\\\S\\\\NEIL");
        }
        try (MaskPhi.Value<SourceRecord> smt = new MaskPhi.Value<>()) {
            smt.configure(Map.of("rules", "PID-5.2:replace:X|Y"));
            String masked = (String) smt.apply(new SourceRecord(Map.of(), Map.of(), "hl7.ADT", null, null, null,
                    text)).value();
            // no escape character to write "|" with: the replacement's delimiter becomes a space
            assertThat(masked).contains("PID|1||MRN1^^^HOSP^MR||O\\S\\NEIL^X Y");
        }
    }
}
