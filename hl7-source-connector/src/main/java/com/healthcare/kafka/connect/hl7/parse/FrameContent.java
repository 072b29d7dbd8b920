package com.healthcare.kafka.connect.hl7.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The text of one MLLP frame: decoded in its charset (MSH-18 or the override), segment terminators CR, LF and
 * CRLF normalised to CR, and split into messages when it is a batch (FHS/BHS ... BTS/FTS).
 */
public final class FrameContent {

    /** How far into a frame MSH-18 is looked for (batch headers may precede the first MSH). */
    private static final int CHARSET_SCAN_LIMIT = 64 * 1024;

    private final String text;
    private final Charset charset;
    private final String fileHeader;
    private final String batchHeader;
    private final List<String> messages;

    private FrameContent(String text, Charset charset, String fileHeader, String batchHeader, List<String> messages) {
        this.text = text;
        this.charset = charset;
        this.fileHeader = fileHeader;
        this.batchHeader = batchHeader;
        this.messages = messages;
    }

    /**
     * Decodes a frame's payload.
     *
     * @param override the configured charset, or null to use MSH-18 (UTF-8 when it is empty)
     * @throws Hl7InputException UNDECODABLE for bytes invalid in the charset or an unknown MSH-18, NO_MSH when
     *                           there is no message
     */
    public static FrameContent decode(byte[] payload, Charset override) throws Hl7InputException {
        int offset = 0;
        Charset charset = override;
        if (charset == null) {
            if (startsWith(payload, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF)) {
                charset = StandardCharsets.UTF_8;
                offset = 3;
            } else if (startsWith(payload, (byte) 0xFE, (byte) 0xFF) || startsWith(payload, (byte) 0xFF, (byte) 0xFE)) {
                charset = StandardCharsets.UTF_16;
            } else {
                String declared = declaredCharset(payload);
                if (declared == null || declared.isBlank()) {
                    charset = Hl7Charsets.defaultCharset();
                } else {
                    charset = Hl7Charsets.forName(declared);
                    if (charset == null) {
                        throw new Hl7InputException(ErrorClass.UNDECODABLE, "MSH-18 character set '"
                                + printable(declared) + "' is not supported; set hl7.charset to override it");
                    }
                }
            }
        }
        String decoded;
        if (isAsciiCompatible(charset) && isAscii(payload, offset)) {
            // Most HL7 is plain ASCII: one copy, no decoder (every ASCII-compatible charset maps these bytes alike).
            return split(normalise(new String(payload, offset, payload.length - offset, StandardCharsets.ISO_8859_1)),
                    charset);
        }
        try {
            decoded = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload, offset, payload.length - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Hl7InputException(ErrorClass.UNDECODABLE, "The message is not valid " + charset.name()
                    + " (declare its character set in MSH-18 or set hl7.charset)");
        }
        return split(normalise(decoded), charset);
    }

    private static boolean isAsciiCompatible(Charset charset) {
        String name = charset.name();
        return name.equals("UTF-8") || name.equals("US-ASCII") || name.startsWith("ISO-8859-")
                || name.startsWith("windows-125");
    }

    private static boolean isAscii(byte[] payload, int offset) {
        for (int i = offset; i < payload.length; i++) {
            if (payload[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the frame holds nothing but whitespace (a keep-alive some senders use). */
    public static boolean isBlank(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\r' && b != '\n' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** CR, LF and CRLF become CR; leading blank lines and spaces before the first segment are dropped. */
    static String normalise(String text) {
        String normalised = text;
        if (normalised.indexOf('\n') >= 0) {
            normalised = normalised.replace("\r\n", "\r").replace('\n', '\r');
        }
        int start = 0;
        while (start < normalised.length()) {
            char c = normalised.charAt(start);
            if (c != '\r' && c != ' ' && c != '\t') {
                break;
            }
            start++;
        }
        return start == 0 ? normalised : normalised.substring(start);
    }

    static FrameContent split(String text, Charset charset) throws Hl7InputException {
        if (text.startsWith("MSH")) {
            return new FrameContent(text, charset, null, null, List.of(text));
        }
        if (!text.startsWith("FHS") && !text.startsWith("BHS")) {
            throw new Hl7InputException(ErrorClass.NO_MSH, "The frame does not start with an MSH, FHS or BHS "
                    + "segment");
        }
        String fileHeader = null;
        String batchHeader = null;
        List<String> messages = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\r', start);
            if (end < 0) {
                end = text.length();
            }
            String segment = text.substring(start, end);
            start = end + 1;
            if (segment.isEmpty()) {
                continue;
            }
            String id = segment.length() >= 3 ? segment.substring(0, 3) : segment;
            switch (id) {
                case "FHS":
                case "BHS":
                case "BTS":
                case "FTS":
                    if (current != null) {
                        messages.add(current.toString());
                        current = null;
                    }
                    if (id.equals("FHS") && fileHeader == null) {
                        fileHeader = segment;
                    } else if (id.equals("BHS") && batchHeader == null) {
                        batchHeader = segment;
                    }
                    break;
                case "MSH":
                    if (current != null) {
                        messages.add(current.toString());
                    }
                    current = new StringBuilder(segment.length() * 8).append(segment).append('\r');
                    break;
                default:
                    if (current == null) {
                        throw new Hl7InputException(ErrorClass.NO_MSH, "A batch holds a segment outside a message "
                                + "(expected MSH after FHS/BHS)");
                    }
                    current.append(segment).append('\r');
            }
        }
        if (current != null) {
            messages.add(current.toString());
        }
        return new FrameContent(text, charset, fileHeader, batchHeader, Collections.unmodifiableList(messages));
    }

    /** The MSH-18 value of the first MSH in the payload (read as ASCII), or null. */
    static String declaredCharset(byte[] payload) {
        int limit = Math.min(payload.length, CHARSET_SCAN_LIMIT);
        int msh = -1;
        for (int i = 0; i + 3 < limit; i++) {
            if (payload[i] == 'M' && payload[i + 1] == 'S' && payload[i + 2] == 'H'
                    && (i == 0 || payload[i - 1] == '\r' || payload[i - 1] == '\n')) {
                msh = i;
                break;
            }
        }
        if (msh < 0 || msh + 8 > payload.length) {
            return null;
        }
        byte fieldSep = payload[msh + 3];
        byte repetitionSep = payload[msh + 5];
        int separators = 0;
        int i = msh + 3;
        for (; i < payload.length; i++) {
            byte b = payload[i];
            if (b == '\r' || b == '\n') {
                return null;
            }
            if (b == fieldSep && ++separators == 17) {
                break;
            }
        }
        int start = i + 1;
        int end = start;
        while (end < payload.length && payload[end] != fieldSep && payload[end] != '\r' && payload[end] != '\n'
                && payload[end] != repetitionSep && payload[end] != payload[msh + 4]) {
            end++;
        }
        return start >= payload.length ? null : new String(payload, start, end - start, StandardCharsets.ISO_8859_1);
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

    /** The whole normalised frame text. */
    public String text() {
        return text;
    }

    public Charset charset() {
        return charset;
    }

    public boolean isBatch() {
        return fileHeader != null || batchHeader != null;
    }

    /** The FHS segment, or null. */
    public String fileHeader() {
        return fileHeader;
    }

    /** The first BHS segment, or null. */
    public String batchHeader() {
        return batchHeader;
    }

    /** The messages: one for a plain frame, zero or more for a batch. Each is CR-separated text. */
    public List<String> messages() {
        return messages;
    }
}
