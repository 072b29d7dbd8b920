package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** URI helpers: percent-encoding parts and FHIR search token escaping. */
final class Uris {

    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern ABSOLUTE = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:[^\\s]+");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Uris() {
    }

    static boolean isOid(String s) {
        return OID.matcher(s).matches();
    }

    static boolean isUuid(String s) {
        return UUID.matcher(s).matches();
    }

    static boolean isAbsolute(String s) {
        return ABSOLUTE.matcher(s).matches();
    }

    /** Percent-encodes everything but unreserved characters and a few safe in a URN path ('.', '-', '_', '~'). */
    static String encodePart(String s) {
        StringBuilder b = null;
        byte[] bytes = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!unreserved(c)) {
                bytes = s.getBytes(StandardCharsets.UTF_8);
                break;
            }
        }
        if (bytes == null) {
            return s;
        }
        b = new StringBuilder(bytes.length * 3);
        for (byte x : bytes) {
            char c = (char) (x & 0xFF);
            if (c < 128 && unreserved(c)) {
                b.append(c);
            } else {
                b.append('%').append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
            }
        }
        return b.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /**
     * A FHIR token search value {@code system|value} for a URL query: the search escapes ('\' before '|', ',',
     * '$' and '\'), then percent-encoding of what a query cannot carry. ':' '/' and the separating '|' stay
     * readable.
     */
    static String token(String system, String value) {
        StringBuilder b = new StringBuilder();
        if (system != null) {
            queryEncode(searchEscape(system), b);
            b.append('|');
        }
        queryEncode(searchEscape(value), b);
        return b.toString();
    }

    /** Percent-encodes for a query parameter value, keeping ':' '/' '|' '\' readable. */
    static String queryValue(String v) {
        StringBuilder b = new StringBuilder(v.length() + 8);
        queryEncode(v, b);
        return b.toString();
    }

    private static String searchEscape(String v) {
        StringBuilder b = null;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' || c == '|' || c == ',' || c == '$') {
                if (b == null) {
                    b = new StringBuilder(v.length() + 4).append(v, 0, i);
                }
                b.append('\\');
            }
            if (b != null) {
                b.append(c);
            }
        }
        return b == null ? v : b.toString();
    }

    private static void queryEncode(String v, StringBuilder b) {
        for (byte x : v.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if (c < 128 && (unreserved(c) || c == ':' || c == '/' || c == '|' || c == '\\' || c == '@'
                    || c == '!' || c == '*' || c == '\'' || c == '(' || c == ')')) {
                b.append(c);
            } else {
                b.append('%').append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
            }
        }
    }
}
