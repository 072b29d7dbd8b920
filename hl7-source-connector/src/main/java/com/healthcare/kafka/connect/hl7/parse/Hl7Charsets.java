package com.healthcare.kafka.connect.hl7.parse;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Java charsets for the HL7 table 0211 names used in MSH-18 (and for Java names given by users). */
public final class Hl7Charsets {

    private static final Map<String, String> HL7_TO_JAVA = new HashMap<>();

    static {
        HL7_TO_JAVA.put("ASCII", "US-ASCII");
        HL7_TO_JAVA.put("ISO IR6", "US-ASCII");
        HL7_TO_JAVA.put("ISO IR14", "JIS_X0201");
        HL7_TO_JAVA.put("ISO IR87", "x-JIS0208");
        HL7_TO_JAVA.put("ISO IR159", "JIS_X0212-1990");
        HL7_TO_JAVA.put("ISO IR100", "ISO-8859-1");
        HL7_TO_JAVA.put("ISO IR101", "ISO-8859-2");
        HL7_TO_JAVA.put("ISO IR109", "ISO-8859-3");
        HL7_TO_JAVA.put("ISO IR110", "ISO-8859-4");
        HL7_TO_JAVA.put("ISO IR144", "ISO-8859-5");
        HL7_TO_JAVA.put("ISO IR127", "ISO-8859-6");
        HL7_TO_JAVA.put("ISO IR126", "ISO-8859-7");
        HL7_TO_JAVA.put("ISO IR138", "ISO-8859-8");
        HL7_TO_JAVA.put("ISO IR148", "ISO-8859-9");
        HL7_TO_JAVA.put("ISO IR192", "UTF-8");
        for (int i = 1; i <= 15; i++) {
            HL7_TO_JAVA.put("8859/" + i, "ISO-8859-" + i);
        }
        HL7_TO_JAVA.put("UNICODE", "UTF-8");
        HL7_TO_JAVA.put("UNICODE UTF-8", "UTF-8");
        HL7_TO_JAVA.put("UNICODE UTF-16", "UTF-16");
        HL7_TO_JAVA.put("UNICODE UTF-32", "UTF-32");
        HL7_TO_JAVA.put("GB 18030-2000", "GB18030");
        HL7_TO_JAVA.put("KS X 1001", "EUC-KR");
        HL7_TO_JAVA.put("CNS 11643-1992", "x-EUC-TW");
        HL7_TO_JAVA.put("BIG-5", "Big5");
    }

    private Hl7Charsets() {
    }

    /**
     * The charset named by an MSH-18 value or a Java charset name, or null when unknown. Only the first
     * repetition of MSH-18 counts (the others name alternate sets for escape sequences).
     */
    public static Charset forName(String name) {
        if (name == null) {
            return null;
        }
        String trimmed = name.trim();
        if (trimmed.isEmpty()) {
            return null;
        }
        String mapped = HL7_TO_JAVA.get(trimmed.toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
        String javaName = mapped != null ? mapped : trimmed;
        try {
            return Charset.isSupported(javaName) ? Charset.forName(javaName) : null;
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    /** Charset of a message whose MSH-18 is empty and no override is configured. UTF-8 is a superset of ASCII. */
    public static Charset defaultCharset() {
        return StandardCharsets.UTF_8;
    }
}
