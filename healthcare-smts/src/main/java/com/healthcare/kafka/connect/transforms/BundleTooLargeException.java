package com.healthcare.kafka.connect.transforms;

import org.apache.kafka.connect.errors.DataException;

/**
 * A FHIR Bundle too large to emit: the producer would reject its record ({@code RecordTooLargeException}), which
 * fails the task. Hl7ToFhir routes the original message instead, per {@code behavior.on.error}. Also counts the
 * size a Bundle takes once stored.
 */
public final class BundleTooLargeException extends DataException {

    private static final long serialVersionUID = 1L;

    BundleTooLargeException(long storedBytes, long limit) {
        super("the FHIR Bundle would take " + storedBytes + " bytes as stored, over " + Hl7ToFhir.BUNDLE_MAX_BYTES
                + "=" + limit);
    }

    /**
     * The bytes {@code json} takes once stored, counted as the larger of what the shipped converters write: its
     * UTF-8 bytes as a JSON string value (JsonConverter: quotes, backslashes and control characters escaped, a
     * control character other than \b \t \n \f \r as six bytes); StringConverter writes the plain UTF-8, which is
     * never more.
     */
    static long storedBytes(String json) {
        long n = 2; // the quotes around a JSON string
        int len = json.length();
        for (int i = 0; i < len; i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
                    n += 2;
                } else if (c < 0x20) {
                    n += 6;
                } else {
                    n += 1;
                }
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(json.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
