package com.healthcare.kafka.connect.fhir.poll;

import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * An upper bound of a record's size as the producer sees it, after any of the usual converters. The value is the
 * resource's JSON text: StringConverter stores its UTF-8 bytes, JsonConverter a quoted JSON string in which every
 * quote and backslash doubles and a control character becomes six bytes ({@code \u0001}), so a string can grow up
 * to six times, and it writes characters outside the BMP as two {@code \\uXXXX} escapes (12 bytes where UTF-8 needs
 * 4); counting each character at its widest covers every case. The JSON envelope of
 * {@code schemas.enable=true}, the record batch overhead and the headers' framing fit in {@link #OVERHEAD}.
 */
public final class RecordSize {

    /** Envelope ({"schema":{"type":"string","optional":true},"payload":...}), batch and header framing. */
    static final int OVERHEAD = 512;

    private RecordSize() {
    }

    /** Bytes the record may take as stored, at most. */
    public static long stored(SourceRecord record) {
        long size = OVERHEAD + escaped(record.key()) + escaped(record.value());
        for (Header h : record.headers()) {
            size += escaped(h.key()) + escaped(h.value()) + 8;
        }
        return size;
    }

    /** The string's bytes in UTF-8 with JSON escaping, which is never less than its plain UTF-8 length. */
    static long escaped(Object value) {
        if (value == null) {
            return 4;
        }
        String s = value.toString();
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || Character.isSurrogate(c)) {
                n += 6; // JsonConverter writes \u0001, and each half of a surrogate pair as \ud834
            } else if (c == '"' || c == '\\') {
                n += 2;
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
