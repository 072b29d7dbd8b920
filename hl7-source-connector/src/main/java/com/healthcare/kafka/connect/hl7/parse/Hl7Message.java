package com.healthcare.kafka.connect.hl7.parse;

import java.nio.charset.Charset;

import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.hl7v2.Hl7Escapes;
import com.healthcare.kafka.connect.hl7v2.Hl7ParseException;
import com.healthcare.kafka.connect.hl7v2.Hl7Reader;
import com.healthcare.kafka.connect.hl7v2.Hl7Segment;

/**
 * A light, allocation-frugal view of one HL7 v2 message: its delimiters, MSH fields and PID-3, read by the bundle's
 * shared HL7 v2 reader (hl7-v2 module: delimiters, escapes, charsets). Deliberately not a full parse (HAPI is used
 * only when validation is on): the connector transports messages, it does not interpret them, and MSH is all it
 * needs to route and acknowledge.
 */
public final class Hl7Message {

    private final String text;
    private final Charset charset;
    private final Hl7Delimiters separators;
    /** MSH as the shared reader splits it: field n is MSH-n (1 the field separator, 2 the encoding chars). */
    private final Hl7Segment msh;
    private final String pid3;

    private Hl7Message(String text, Charset charset, Hl7Delimiters separators, Hl7Segment msh, String pid3) {
        this.text = text;
        this.charset = charset;
        this.separators = separators;
        this.msh = msh;
        this.pid3 = pid3;
    }

    /**
     * Reads the MSH of a message whose text starts with it.
     *
     * @throws Hl7InputException when there is no MSH or its delimiters cannot be read
     */
    public static Hl7Message parse(String text, Charset charset) throws Hl7InputException {
        if (text.length() < 8 || !text.startsWith("MSH")) {
            throw new Hl7InputException(ErrorClass.NO_MSH, "The message does not start with an MSH segment");
        }
        int segmentEnd = Hl7Reader.lineEnd(text, 0);
        Hl7Segment msh;
        try {
            msh = Hl7Reader.header(text.substring(0, segmentEnd));
        } catch (Hl7ParseException e) {
            throw new Hl7InputException(ErrorClass.MALFORMED, e.getMessage());
        }
        String pid3 = findPid3(text, msh.delimiters().field());
        return new Hl7Message(text, charset, msh.delimiters(), msh, pid3);
    }

    private static String findPid3(String text, char fieldSep) {
        int pid = text.indexOf("\rPID" + fieldSep);
        if (pid < 0) {
            return null;
        }
        int segStart = pid + 1;
        int segEnd = text.indexOf('\r', segStart);
        if (segEnd < 0) {
            segEnd = text.length();
        }
        // Skip PID-1 and PID-2 to reach PID-3.
        int fieldStart = segStart + 4;
        for (int field = 1; field < 3; field++) {
            int next = text.indexOf(fieldSep, fieldStart);
            if (next < 0 || next >= segEnd) {
                return null;
            }
            fieldStart = next + 1;
        }
        int fieldEnd = text.indexOf(fieldSep, fieldStart);
        if (fieldEnd < 0 || fieldEnd > segEnd) {
            fieldEnd = segEnd;
        }
        return text.substring(fieldStart, fieldEnd);
    }

    /** The whole message text, segments separated by CR. */
    public String text() {
        return text;
    }

    public Charset charset() {
        return charset;
    }

    public Hl7Delimiters separators() {
        return separators;
    }

    /** MSH-n as written (escaped), "" when absent. */
    public String mshField(int n) {
        return msh.field(n);
    }

    /** Component {@code c} (1-based) of the first repetition of MSH-n, unescaped; null when empty. */
    public String mshComponent(int n, int c) {
        return component(firstRepetition(mshField(n)), c);
    }

    private String firstRepetition(String field) {
        int rep = field.indexOf(separators.repetition());
        return rep < 0 ? field : field.substring(0, rep);
    }

    private String component(String value, int c) {
        String raw = piece(value, separators.component(), c);
        return emptyToNull(Hl7Escapes.unescape(raw, separators));
    }

    /** An HD (hierarchic designator) value: its namespace ID, or its universal ID when that is empty. */
    private String hd(String hdText, char separator) {
        String namespace = emptyToNull(Hl7Escapes.unescape(piece(hdText, separator, 1), separators));
        return namespace != null ? namespace : emptyToNull(Hl7Escapes.unescape(piece(hdText, separator, 2), separators));
    }

    private static String piece(String value, char separator, int index) {
        if (value == null) {
            return null;
        }
        int start = 0;
        for (int i = 1; i < index; i++) {
            int next = value.indexOf(separator, start);
            if (next < 0) {
                return null;
            }
            start = next + 1;
        }
        int end = value.indexOf(separator, start);
        return end < 0 ? value.substring(start) : value.substring(start, end);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public String sendingApplication() {
        return hd(firstRepetition(mshField(3)), separators.component());
    }

    public String sendingFacility() {
        return hd(firstRepetition(mshField(4)), separators.component());
    }

    public String receivingApplication() {
        return hd(firstRepetition(mshField(5)), separators.component());
    }

    public String receivingFacility() {
        return hd(firstRepetition(mshField(6)), separators.component());
    }

    /** MSH-7.1 as written (an HL7 DTM/TS such as 20240101120000+0100). */
    public String messageTime() {
        return mshComponent(7, 1);
    }

    /** MSH-9.1, e.g. ADT. */
    public String messageType() {
        return mshComponent(9, 1);
    }

    /** MSH-9.2, e.g. A01. */
    public String triggerEvent() {
        return mshComponent(9, 2);
    }

    /** MSH-9.3, e.g. ADT_A01 (absent before 2.3.1). */
    public String messageStructure() {
        return mshComponent(9, 3);
    }

    /** MSH-10. */
    public String controlId() {
        return emptyToNull(Hl7Escapes.unescape(mshField(10), separators));
    }

    /** MSH-11.1, e.g. P. */
    public String processingId() {
        return mshComponent(11, 1);
    }

    /** MSH-12.1, e.g. 2.5.1. */
    public String version() {
        return mshComponent(12, 1);
    }

    /** MSH-15 accept acknowledgement type (AL, NE, ER, SU), or null. */
    public String acceptAckType() {
        return mshComponent(15, 1);
    }

    /** MSH-16 application acknowledgement type, or null. */
    public String applicationAckType() {
        return mshComponent(16, 1);
    }

    /** PID-3.1 of the first repetition, unescaped, or null. */
    public String patientId() {
        return pid3 == null ? null : component(firstRepetition(pid3), 1);
    }

    /** PID-3.4 (assigning authority) of the first repetition: its namespace ID (or universal ID), or null. */
    public String patientIdAuthority() {
        if (pid3 == null) {
            return null;
        }
        String authority = piece(firstRepetition(pid3), separators.component(), 4);
        return authority == null ? null : hd(authority, separators.subcomponent());
    }

    /** (MSH-3, MSH-4, MSH-10) as written: the identity of a message for duplicate suppression. */
    public String dedupKey() {
        return mshField(3) + '\u0000' + mshField(4) + '\u0000' + mshField(10);
    }
}
