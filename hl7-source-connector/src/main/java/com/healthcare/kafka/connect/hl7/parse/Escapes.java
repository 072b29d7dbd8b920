package com.healthcare.kafka.connect.hl7.parse;

/** HL7 v2 escape sequences (\F\ \S\ \T\ \R\ \E\, \Xhh..\ and formatting sequences). */
public final class Escapes {

    private Escapes() {
    }

    /**
     * Replaces delimiter escapes by the delimiters and hexadecimal escapes of ASCII bytes by their characters.
     * Formatting sequences (\.br\, \H\, \N\ ...) and anything not understood are kept as written.
     */
    public static String unescape(String text, Separators separators) {
        char esc = separators.escape();
        if (text == null || esc == 0 || text.indexOf(esc) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = c == esc ? text.indexOf(esc, i + 1) : -1;
            if (end < 0) {
                out.append(c);
                i++;
                continue;
            }
            String code = text.substring(i + 1, end);
            String replacement = replacement(code, separators);
            if (replacement == null) {
                out.append(text, i, end + 1);
            } else {
                out.append(replacement);
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static String replacement(String code, Separators separators) {
        switch (code) {
            case "F":
                return String.valueOf(separators.field());
            case "S":
                return String.valueOf(separators.component());
            case "T":
                return String.valueOf(separators.subcomponent());
            case "R":
                return String.valueOf(separators.repetition());
            case "E":
                return String.valueOf(separators.escape());
            default:
                if (code.length() >= 3 && (code.charAt(0) == 'X' || code.charAt(0) == 'x')
                        && code.length() % 2 == 1) {
                    return hexAscii(code.substring(1));
                }
                return null;
        }
    }

    private static String hexAscii(String hex) {
        StringBuilder out = new StringBuilder(hex.length() / 2);
        for (int i = 0; i < hex.length(); i += 2) {
            int value;
            try {
                value = Integer.parseInt(hex.substring(i, i + 2), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (value > 0x7F) {
                // Multi-byte sequences depend on the charset: keep them escaped rather than guess.
                return null;
            }
            out.append((char) value);
        }
        return out.toString();
    }

    /** Escapes delimiters so {@code text} can be placed in a field of a message using {@code separators}. */
    public static String escape(String text, Separators separators) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        char esc = separators.escape() == 0 ? '\\' : separators.escape();
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == esc) {
                out.append(esc).append('E').append(esc);
            } else if (c == separators.field()) {
                out.append(esc).append('F').append(esc);
            } else if (c == separators.component()) {
                out.append(esc).append('S').append(esc);
            } else if (c == separators.subcomponent()) {
                out.append(esc).append('T').append(esc);
            } else if (c == separators.repetition()) {
                out.append(esc).append('R').append(esc);
            } else if (c == '\r' || c == '\n') {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
