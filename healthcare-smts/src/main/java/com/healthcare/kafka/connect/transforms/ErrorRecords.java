package com.healthcare.kafka.connect.transforms;

import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

/**
 * Recognises the error records of this bundle's plugins by their headers, so the transforms compose: the HL7
 * source's rejected input ({@code hl7.error.reason}, raw bytes), the FHIR source's oversized or unreadable
 * resources ({@code fhir.error.reason}), Hl7ToFhir's routed or passed-through originals
 * ({@code hl7tofhir.error.class}) and values MaskPhi redacted whole ({@code maskphi.redacted}). Any header named
 * {@code <plugin>.error.reason} or {@code <plugin>.error.class} counts, so a plugin of the bundle that adds an
 * error record of its own is recognised without a change here.
 */
final class ErrorRecords {

    static final String REASON_SUFFIX = ".error.reason";
    static final String CLASS_SUFFIX = ".error.class";

    private ErrorRecords() {
    }

    /** Whether the record carries the error headers of one of the bundle's plugins. */
    static boolean isErrorRecord(Headers headers) {
        if (headers == null || headers.isEmpty()) {
            return false;
        }
        for (Header h : headers) {
            String name = h.key();
            if (name.endsWith(REASON_SUFFIX) || name.endsWith(CLASS_SUFFIX) || name.equals(MaskPhi.HEADER_REDACTED)) {
                return true;
            }
        }
        return false;
    }
}
