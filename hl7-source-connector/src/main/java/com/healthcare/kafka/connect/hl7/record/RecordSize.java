package com.healthcare.kafka.connect.hl7.record;

import java.util.Date;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

/**
 * An upper bound of the bytes a record of this source takes in a producer request once a converter has written
 * it. The bound is that of the most expansive converter shipped with Kafka, JsonConverter with schemas enabled:
 * a string grows by JSON escaping (a control character becomes a six-byte escape, six bytes for one) and UTF-8
 * encoding (up to three bytes per character), bytes by base64 (4/3). Avro, String and ByteArray converters write
 * less. Headers are counted the same way (the worker's header converter may be JSON too).
 */
public final class RecordSize {

    /** Producer batch and record framing (RECORD_BATCH_OVERHEAD, varints, timestamps), rounded up. */
    static final int FRAMING_BYTES = 512;
    /** A JSON schema envelope of the value (our Message schema with its docs is about 2 KB). */
    static final int VALUE_SCHEMA_ENVELOPE_BYTES = 8 * 1024;
    /** A JSON schema envelope of the key. */
    static final int KEY_SCHEMA_ENVELOPE_BYTES = 512;

    private RecordSize() {
    }

    /** The bound for a record with this key, value and headers. */
    public static long upperBound(Object key, Object value, Headers headers) {
        long size = FRAMING_BYTES + KEY_SCHEMA_ENVELOPE_BYTES + VALUE_SCHEMA_ENVELOPE_BYTES;
        size += json(key);
        size += json(value);
        if (headers != null) {
            for (Header header : headers) {
                size += jsonString(header.key()) + json(header.value()) + 8;
            }
        }
        return size;
    }

    /**
     * The largest raw byte count whose base64 JSON string, in a record with {@code overheadBytes} of headers and
     * framing, stays within {@code limitBytes}.
     */
    public static int largestBytesValue(long limitBytes, long overheadBytes) {
        long room = limitBytes - overheadBytes - 2;
        return room <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, room / 4 * 3);
    }

    /** Bytes of base64 text for {@code n} raw bytes. */
    public static long base64Length(long n) {
        return (n + 2) / 3 * 4;
    }

    static long json(Object value) {
        if (value == null) {
            return 4;
        }
        if (value instanceof String) {
            return jsonString((String) value);
        }
        if (value instanceof byte[]) {
            return 2 + base64Length(((byte[]) value).length);
        }
        if (value instanceof Struct) {
            Struct struct = (Struct) value;
            long size = 2;
            for (Field field : struct.schema().fields()) {
                size += jsonString(field.name()) + 2 + json(struct.get(field));
            }
            return size;
        }
        if (value instanceof Map) {
            long size = 2;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                size += json(e.getKey()) + 2 + json(e.getValue());
            }
            return size;
        }
        if (value instanceof List) {
            long size = 2;
            for (Object item : (List<?>) value) {
                size += json(item) + 1;
            }
            return size;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Date) {
            return 32;
        }
        return jsonString(value.toString());
    }

    /** Length of a JSON string literal in UTF-8, quotes included, with Jackson's escaping. */
    public static long jsonString(String s) {
        long size = 2;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                size += c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                size += 2;
            } else if (c < 0x80) {
                size += 1;
            } else if (Character.isSurrogate(c)) {
                // JsonConverter's generator writes each half of a pair as an escape.
                size += 6;
            } else if (c < 0x800) {
                size += 2;
            } else {
                size += 3;
            }
        }
        return size;
    }
}
