package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Resolves HL7 v2 escape sequences (v2.3-2.8, chapter 2.7): delimiters {@code \F\ \S\ \T\ \R\ \E\ \P\},
 * formatting {@code \.br\ \.sp\} (line breaks) and the other formatting commands (dropped), highlighting
 * {@code \H\ \N\} (dropped), hexadecimal data {@code \Xhh..\} (decoded as UTF-8, else ISO-8859-1), character set
 * switches {@code \Cxxyy\ \Mxxyyzz\} and locally defined {@code \Z..\} (dropped). An unterminated or unknown
 * sequence is kept literally: text is never lost.
 */
public final class V2Escapes {

    private V2Escapes() {
    }

    public static String unescape(String s, Delimiters d) {
        char esc = d.escape;
        int first = s.indexOf(esc);
        if (first < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, first);
        int i = first;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != esc) {
                out.append(c);
                i++;
                continue;
            }
            int end = s.indexOf(esc, i + 1);
            if (end < 0) {
                out.append(s, i, n);
                break;
            }
            String seq = s.substring(i + 1, end);
            if (!appendSequence(seq, d, out)) {
                // Unknown sequence: keep it verbatim, including both escape characters.
                out.append(s, i, end + 1);
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static boolean appendSequence(String seq, Delimiters d, StringBuilder out) {
        if (seq.isEmpty()) {
            return false;
        }
        if (seq.length() == 1) {
            switch (seq.charAt(0)) {
                case 'F': out.append(d.field); return true;
                case 'S': out.append(d.component); return true;
                case 'T': out.append(d.subcomponent); return true;
                case 'R': out.append(d.repetition); return true;
                case 'E': out.append(d.escape); return true;
                case 'P': out.append('#'); return true; // v2.7 truncation character
                case 'H':
                case 'N':
                    return true; // highlighting has no plain-text equivalent
                default:
                    return false;
            }
        }
        char kind = seq.charAt(0);
        if (kind == '.') {
            String cmd = seq.substring(1);
            if (cmd.equals("br")) {
                out.append('\n');
                return true;
            }
            if (cmd.startsWith("sp")) {
                int lines = parseCount(cmd.substring(2), 1);
                for (int k = 0; k < Math.max(1, lines); k++) {
                    out.append('\n');
                }
                return true;
            }
            if (cmd.startsWith("in") || cmd.startsWith("ti") || cmd.startsWith("sk")) {
                if (cmd.startsWith("sk")) {
                    int spaces = parseCount(cmd.substring(2), 1);
                    for (int k = 0; k < Math.max(1, spaces); k++) {
                        out.append(' ');
                    }
                }
                return true;
            }
            return cmd.equals("fi") || cmd.equals("nf") || cmd.equals("ce");
        }
        if (kind == 'X') {
            byte[] bytes = hex(seq.substring(1));
            if (bytes == null) {
                return false;
            }
            out.append(decode(bytes));
            return true;
        }
        if (kind == 'C' || kind == 'M') {
            return hex(seq.substring(1)) != null;
        }
        return kind == 'Z';
    }

    private static int parseCount(String digits, int dflt) {
        String t = digits.trim();
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty()) {
            return dflt;
        }
        try {
            return Math.min(Integer.parseInt(t), 100);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static byte[] hex(String h) {
        if (h.isEmpty() || (h.length() & 1) != 0) {
            return null;
        }
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(h.charAt(2 * i), 16);
            int lo = Character.digit(h.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            b[i] = (byte) ((hi << 4) | lo);
        }
        return b;
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** Escapes text for embedding into a field (used by tests building messages). */
    public static String escape(String s, Delimiters d) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == d.escape) {
                out.append(d.escape).append('E').append(d.escape);
            } else if (c == d.field) {
                out.append(d.escape).append('F').append(d.escape);
            } else if (c == d.component) {
                out.append(d.escape).append('S').append(d.escape);
            } else if (c == d.subcomponent) {
                out.append(d.escape).append('T').append(d.escape);
            } else if (c == d.repetition) {
                out.append(d.escape).append('R').append(d.escape);
            } else if (c == '\n') {
                out.append(d.escape).append(".br").append(d.escape);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
