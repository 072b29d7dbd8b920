package com.healthcare.kafka.connect.hl7.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** The size bound against what the real JsonConverter writes, for the strings that grow most. */
class RecordSizeTest {

    private static byte[] json(Schema schema, Object value, boolean schemas) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", Boolean.toString(schemas), "converter.type", "value"));
        return converter.fromConnectData("t", schema, value);
    }

    @Test
    void boundsJsonEscapingOfControlCharactersQuotesAndNonAscii() {
        String nasty = "\u0001\u001f\"\\\r\n\t" + "é" + "€" + "山" + "\uD83D\uDE00" + "plain";
        String big = nasty.repeat(1000);
        assertThat(RecordSize.upperBound(null, big, null))
                .isGreaterThanOrEqualTo(json(Schema.STRING_SCHEMA, big, true).length);
        // Exact for a string without a schema envelope: the bound is tight, not a blind multiple.
        assertThat(RecordSize.jsonString(big)).isEqualTo(json(Schema.STRING_SCHEMA, big, false).length);
        assertThat(RecordSize.jsonString("\u0001".repeat(100_000))).isEqualTo(600_002);
    }

    @Test
    void boundsTheMessageStructAndBytesWithTheirSchemaEnvelopes() {
        String raw = "MSH|^~\\&|A|B|C|D|1||ADT^A01|X|P|2.5\r" + "\u0002\"".repeat(50_000);
        Struct struct = new Struct(Hl7Schemas.VALUE_SCHEMA)
                .put(Hl7Schemas.MESSAGE_TYPE, "ADT").put(Hl7Schemas.CONTROL_ID, "X")
                .put(Hl7Schemas.RECEIVED_AT, new Date()).put(Hl7Schemas.RAW, raw);
        long bound = RecordSize.upperBound("MRN", struct, new ConnectHeaders().addString("h", raw));
        long written = json(Hl7Schemas.VALUE_SCHEMA, struct, true).length + raw.getBytes(StandardCharsets.UTF_8).length
                + json(Schema.STRING_SCHEMA, "MRN", true).length;
        assertThat(bound).isGreaterThanOrEqualTo(written);

        byte[] bytes = new byte[300_001];
        long bytesWritten = json(Schema.OPTIONAL_BYTES_SCHEMA, bytes, true).length;
        assertThat(RecordSize.upperBound(null, bytes, new ConnectHeaders())).isGreaterThanOrEqualTo(bytesWritten);
        assertThat(RecordSize.largestBytesValue(1_048_576, 16_384)).isEqualTo((1_048_576 - 16_384 - 2) / 4 * 3);
    }
}
