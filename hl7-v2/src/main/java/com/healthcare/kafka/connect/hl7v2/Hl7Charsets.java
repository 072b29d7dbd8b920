package com.healthcare.kafka.connect.hl7v2;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HL7 table 0211 (alternate character sets, MSH-18) mapped to Java charsets, and the decoding of message bytes
 * with the charset a message declares.
 *
 * <p>The first repetition of MSH-18 is the message's default character set (empty: ASCII, read here as its superset
 * UTF-8). Later repetitions name sets reached by ISO 2022 escape sequences inside the text; when they name a
 * Japanese set (ISO IR87, ISO IR159, ISO IR14) or JIS X 0202 itself, the bytes are ISO-2022-JP-2. Codes the JDK
 * cannot decode (JAS2020) fail with a message naming the code, as does a name in no table.
 */
public final class Hl7Charsets {

    /** One row of table 0211: the HL7 code, its meaning, and the Java charset used (null when the JDK has none). */
    public record Entry(String code, String description, String javaName) {

        /** The Java charset, when the JDK has one for this code. */
        public Optional<Charset> charset() {
            return javaName == null ? Optional.empty() : Optional.of(Charset.forName(javaName));
        }
    }

    /** How far into a payload the first MSH is looked for (batch headers may precede it). */
    private static final int HEADER_SCAN_LIMIT = 64 * 1024;
    /** The JDK charset for ISO 2022 text switching between ASCII and the Japanese sets (JIS X 0202). */
    private static final String ISO_2022_JP = "ISO-2022-JP-2";

    private static final Map<String, Entry> TABLE = new LinkedHashMap<>();

    static {
        for (int i = 1; i <= 9; i++) {
            put("8859/" + i, "ISO 8859/" + i + " (Latin and other alphabets)", "ISO-8859-" + i);
        }
        put("8859/15", "ISO 8859/15 (Latin-9)", "ISO-8859-15");
        put("ASCII", "ASCII (ISO 646 IRV)", "US-ASCII");
        put("ISO IR6", "ISO 646 IRV, the ASCII graphic set", "US-ASCII");
        put("ISO IR14", "JIS X 0201-1976 Roman and half-width katakana", "JIS_X0201");
        put("ISO IR87", "JIS X 0208-1990 Kanji (reached through ISO 2022 escapes)", ISO_2022_JP);
        put("ISO IR159", "JIS X 0212-1990 supplementary Kanji (reached through ISO 2022 escapes)", ISO_2022_JP);
        put("ISO IR192", "ISO 10646 in UTF-8", "UTF-8");
        put("JIS X 0202", "ISO 2022 with escape sequences for Kanji", ISO_2022_JP);
        put("JAS2020", "A subset of ISO 2022 for Korean", null);
        put("KS X 1001", "Korean KS X 1001 (KS C 5601)", "EUC-KR");
        put("GB 18030-2000", "Chinese GB 18030-2000", "GB18030");
        put("CNS 11643-1992", "Taiwanese CNS 11643-1992", "x-EUC-TW");
        put("BIG-5", "Taiwanese Big 5", "Big5");
        put("UNICODE", "ISO 10646 (deprecated; read as UTF-8)", "UTF-8");
        put("UNICODE UTF-8", "ISO 10646 in UTF-8", "UTF-8");
        put("UNICODE UTF-16", "ISO 10646 in UTF-16 (byte order mark, else big-endian)", "UTF-16");
        put("UNICODE UTF-32", "ISO 10646 in UTF-32", "UTF-32");
        // Not in table 0211, but sent by DICOM-minded systems for Latin-1 (DICOM's "ISO_IR 100").
        put("ISO IR100", "ISO 8859/1 under its DICOM name (not in table 0211)", "ISO-8859-1");
    }

    private static void put(String code, String description, String javaName) {
        TABLE.put(code, new Entry(code, description, javaName));
    }

    private Hl7Charsets() {
    }

    /** Every code this reader knows, table 0211 order first. */
    public static List<Entry> table() {
        return List.copyOf(TABLE.values());
    }

    /** The table row for an MSH-18 code (case and spacing as senders write it: "ISO_IR 100", "unicode utf-8"). */
    public static Optional<Entry> lookup(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(TABLE.get(normalise(code)));
    }

    private static String normalise(String code) {
        String c = code.trim().toUpperCase(Locale.ROOT).replace('_', ' ').replaceAll("\\s+", " ");
        // "ISO IR 100" and "ISO-IR100" are common spellings of "ISO IR100"
        if (c.startsWith("ISO IR ") || c.startsWith("ISO-IR")) {
            c = "ISO IR" + c.substring(6).trim();
        }
        return c;
    }

    /**
     * The charset of a table 0211 code or a Java charset name (for configuration), or null when neither.
     * A table code the JDK cannot decode also gives null.
     */
    public static Charset forName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        Optional<Entry> entry = lookup(name);
        if (entry.isPresent()) {
            return entry.get().charset().orElse(null);
        }
        try {
            return Charset.isSupported(name.trim()) ? Charset.forName(name.trim()) : null;
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    /**
     * The charset an MSH-18 value declares, all repetitions given ({@code repetitions[0]} is the default set);
     * null when nothing is declared.
     *
     * @throws Hl7ParseException UNDECODABLE for a code in no table or one the JDK cannot decode
     */
    public static Charset forMsh18(List<String> repetitions) {
        String first = repetitions.isEmpty() ? "" : repetitions.get(0).trim();
        for (int i = 1; i < repetitions.size(); i++) {
            String code = normalise(repetitions.get(i));
            if (code.equals("ISO IR87") || code.equals("ISO IR159") || code.equals("JIS X 0202")
                    || (code.equals("ISO IR14") && (first.isEmpty() || normalise(first).equals("ISO IR6")
                    || normalise(first).equals("ASCII")))) {
                return Charset.forName(ISO_2022_JP);
            }
        }
        if (first.isEmpty()) {
            return null;
        }
        Optional<Entry> entry = lookup(first);
        if (entry.isEmpty()) {
            Charset javaName = forName(first);
            if (javaName != null) {
                return javaName; // a sender writing a Java/IANA name ("UTF-8", "windows-1252")
            }
            throw new Hl7ParseException(Hl7ParseException.Kind.UNDECODABLE, "MSH-18 character set '"
                    + printable(first) + "' is not in HL7 table 0211");
        }
        return entry.get().charset().orElseThrow(() -> new Hl7ParseException(Hl7ParseException.Kind.UNDECODABLE,
                "MSH-18 character set '" + entry.get().code() + "' has no Java decoder"));
    }

    /**
     * The MSH-18 repetitions of the first MSH in the payload, read as ASCII before anything is decoded; empty when
     * there is no MSH or no MSH-18.
     */
    public static List<String> declaredMsh18(byte[] payload) {
        int limit = Math.min(payload.length, HEADER_SCAN_LIMIT);
        int msh = -1;
        for (int i = 0; i + 3 < limit; i++) {
            if (payload[i] == 'M' && payload[i + 1] == 'S' && payload[i + 2] == 'H'
                    && (i == 0 || payload[i - 1] == '\r' || payload[i - 1] == '\n' || payload[i - 1] == 0x0B)) {
                msh = i;
                break;
            }
        }
        if (msh < 0 || msh + 8 > payload.length) {
            return List.of();
        }
        byte fieldSep = payload[msh + 3];
        byte repetitionSep = payload[msh + 5];
        int separators = 0;
        int i = msh + 3;
        for (; i < payload.length; i++) {
            byte b = payload[i];
            if (b == '\r' || b == '\n') {
                return List.of();
            }
            if (b == fieldSep && ++separators == 17) {
                break;
            }
        }
        int start = i + 1;
        int end = start;
        while (end < payload.length && payload[end] != fieldSep && payload[end] != '\r' && payload[end] != '\n') {
            end++;
        }
        if (start >= end) {
            return List.of();
        }
        String field = new String(payload, start, end - start, StandardCharsets.ISO_8859_1);
        return List.of(field.split(java.util.regex.Pattern.quote(String.valueOf((char) (repetitionSep & 0xFF))), -1));
    }

    /** The decoded text of a payload and the charset used. */
    public record Decoded(String text, Charset charset) {
    }

    /**
     * Decodes message bytes: the override when given, else a byte order mark, else MSH-18, else UTF-8. Malformed
     * bytes are an error, never replaced silently.
     *
     * @throws Hl7ParseException UNDECODABLE for bytes invalid in the charset or an MSH-18 that cannot be used
     */
    public static Decoded decode(byte[] payload, Charset override) {
        int offset = 0;
        Charset charset = override;
        if (charset == null) {
            if (startsWith(payload, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF)) {
                charset = StandardCharsets.UTF_8;
                offset = 3;
            } else if (startsWith(payload, (byte) 0xFE, (byte) 0xFF) || startsWith(payload, (byte) 0xFF, (byte) 0xFE)) {
                charset = StandardCharsets.UTF_16;
            } else {
                charset = charsetOf(payload);
            }
        }
        if (isAsciiCompatible(charset) && isAscii(payload, offset)) {
            // Most HL7 is plain ASCII: one copy, no decoder (every ASCII-compatible charset maps these bytes alike).
            return new Decoded(new String(payload, offset, payload.length - offset, StandardCharsets.ISO_8859_1),
                    charset);
        }
        try {
            String text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload, offset, payload.length - offset))
                    .toString();
            return new Decoded(text, charset);
        } catch (CharacterCodingException e) {
            throw new Hl7ParseException(Hl7ParseException.Kind.UNDECODABLE, "The message is not valid "
                    + charset.name() + " (declare its character set in MSH-18)");
        }
    }

    /** The charset MSH-18 of these bytes declares, UTF-8 when none. */
    public static Charset charsetOf(byte[] payload) {
        Charset declared = forMsh18(declaredMsh18(payload));
        return declared != null ? declared : StandardCharsets.UTF_8;
    }

    private static boolean isAsciiCompatible(Charset charset) {
        String name = charset.name();
        return name.equals("UTF-8") || name.equals("US-ASCII") || name.startsWith("ISO-8859-")
                || name.startsWith("windows-125") || name.equals("GB18030") || name.equals("EUC-KR")
                || name.equals("Big5") || name.equals("x-EUC-TW");
    }

    private static boolean isAscii(byte[] payload, int offset) {
        for (int i = offset; i < payload.length; i++) {
            if (payload[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] payload, byte... prefix) {
        if (payload.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (payload[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
