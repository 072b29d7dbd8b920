package com.healthcare.kafka.connect.hl7v2;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * HL7 v2 escape sequences (v2.3-2.8, chapter 2.7), read one way for the whole bundle.
 *
 * <p>Two readings of the same sequences: {@link #unescape} resolves only the delimiter escapes {@code \F\ \S\ \T\
 * \R\ \E\} (and {@code \P\}, the v2.7 truncation character) and keeps every other sequence as written, exactly as
 * HAPI's parser does: the value keeps its formatting for whoever renders it. {@link #toPlainText} goes on to
 * render formatting for a reader of plain text: {@code \.br\ \.sp\} become line breaks, {@code \.sk\} spaces,
 * other formatting commands and highlighting {@code \H\ \N\} vanish, {@code \Xhh..\} becomes its characters
 * (UTF-8, else ISO-8859-1), character set switches {@code \C..\ \M..\} and local {@code \Z..\} vanish. An
 * unterminated or unknown sequence is always kept literally: text is never lost. A message that declares no
 * escape character (MSH-2 {@code ^~}) has no escape sequences at all.
 */
public final class Hl7Escapes {

    /** The most a formatting count ({@code \.sp5\}) may expand to: bounded output on hostile input. */
    private static final int MAX_REPEAT = 100;

    private Hl7Escapes() {
    }

    /** Resolves the delimiter escapes; formatting, hexadecimal and unknown sequences stay as written. */
    public static String unescape(String text, Hl7Delimiters d) {
        return resolve(text, d, false);
    }

    /** Resolves every escape sequence into plain text (line breaks for {@code \.br\}, hex data decoded ...). */
    public static String toPlainText(String text, Hl7Delimiters d) {
        return resolve(text, d, true);
    }

    private static String resolve(String text, Hl7Delimiters d, boolean plain) {
        char esc = d.escape();
        if (text == null || esc == 0) {
            return text;
        }
        int first = text.indexOf(esc);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, first);
        int i = first;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != esc) {
                out.append(c);
                i++;
                continue;
            }
            int end = text.indexOf(esc, i + 1);
            if (end < 0) {
                out.append(text, i, n);
                break;
            }
            if (!appendSequence(text, i + 1, end, d, plain, out)) {
                // Unknown sequence: keep it verbatim, both escape characters included.
                out.append(text, i, end + 1);
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static boolean appendSequence(String text, int from, int to, Hl7Delimiters d, boolean plain,
            StringBuilder out) {
        int len = to - from;
        if (len == 0) {
            return false;
        }
        char kind = text.charAt(from);
        if (len == 1) {
            switch (kind) {
                case 'F': out.append(d.field()); return true;
                case 'S': out.append(d.component()); return true;
                case 'R': out.append(d.repetition()); return true;
                case 'E': out.append(d.escape()); return true;
                case 'T':
                    if (d.subcomponent() == 0) {
                        return false;
                    }
                    out.append(d.subcomponent());
                    return true;
                case 'P':
                    // v2.7: the truncation character, '#' when MSH-2 does not declare one
                    out.append(d.truncation() != 0 ? d.truncation() : '#');
                    return true;
                case 'H':
                case 'N':
                    return plain; // highlighting has no plain-text equivalent
                default:
                    return false;
            }
        }
        if (!plain) {
            return false;
        }
        String seq = text.substring(from, to);
        if (kind == '.') {
            return appendFormatting(seq.substring(1), out);
        }
        if (kind == 'X' || kind == 'x') {
            byte[] bytes = hex(seq, 1);
            if (bytes == null) {
                return false;
            }
            out.append(decodeHex(bytes));
            return true;
        }
        if (kind == 'C' || kind == 'M') {
            return hex(seq, 1) != null;
        }
        return kind == 'Z';
    }

    private static boolean appendFormatting(String cmd, StringBuilder out) {
        if (cmd.equals("br")) {
            out.append('\n');
            return true;
        }
        if (cmd.startsWith("sp")) {
            repeat(out, '\n', count(cmd.substring(2)));
            return true;
        }
        if (cmd.startsWith("sk")) {
            repeat(out, ' ', count(cmd.substring(2)));
            return true;
        }
        return cmd.startsWith("in") || cmd.startsWith("ti") || cmd.equals("fi") || cmd.equals("nf")
                || cmd.equals("ce");
    }

    private static void repeat(StringBuilder out, char c, int times) {
        for (int k = 0; k < times; k++) {
            out.append(c);
        }
    }

    private static int count(String digits) {
        String t = digits.trim();
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || t.length() > 6) {
            return 1;
        }
        try {
            return Math.max(1, Math.min(Integer.parseInt(t), MAX_REPEAT));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static byte[] hex(String h, int from) {
        int len = h.length() - from;
        if (len == 0 || (len & 1) != 0) {
            return null;
        }
        byte[] b = new byte[len / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(h.charAt(from + 2 * i), 16);
            int lo = Character.digit(h.charAt(from + 2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            b[i] = (byte) ((hi << 4) | lo);
        }
        return b;
    }

    private static String decodeHex(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Escapes {@code text} for a field of a message with these delimiters: delimiters become {@code \F\ \S\ \T\
     * \R\ \E\ \P\}, CR and LF become {@code \X0D\} and {@code \X0A\} (a raw CR would end the segment). A message that
     * declares no escape character cannot carry its delimiters as data: they become spaces there.
     */
    public static String escape(String text, Hl7Delimiters d) {
        if (text == null) {
            return "";
        }
        char esc = d.escape();
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String seq = sequence(c, d);
            if (seq != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out == null) {
                continue;
            }
            if (seq == null) {
                out.append(c);
            } else if (esc == 0) {
                out.append(' ');
            } else {
                out.append(esc).append(seq).append(esc);
            }
        }
        return out == null ? text : out.toString();
    }

    private static String sequence(char c, Hl7Delimiters d) {
        if (c == '\r') {
            return "X0D";
        }
        if (c == '\n') {
            return "X0A";
        }
        if (c == 0) {
            return null;
        }
        if (c == d.escape()) {
            return "E";
        }
        if (c == d.field()) {
            return "F";
        }
        if (c == d.component()) {
            return "S";
        }
        if (c == d.subcomponent()) {
            return "T";
        }
        if (c == d.repetition()) {
            return "R";
        }
        if (c == d.truncation()) {
            return "P";
        }
        return null;
    }
}
