package com.healthcare.kafka.connect.hl7.parse;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.healthcare.kafka.connect.hl7v2.Hl7Charsets;
import com.healthcare.kafka.connect.hl7v2.Hl7ParseException;

/**
 * The text of one MLLP frame: decoded in its charset (MSH-18 or the override, by the shared reader's table 0211), segment terminators CR, LF and
 * CRLF normalised to CR, and split into messages when it is a batch (FHS/BHS ... BTS/FTS).
 */
public final class FrameContent {

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
        Hl7Charsets.Decoded decoded;
        try {
            decoded = Hl7Charsets.decode(payload, override);
        } catch (Hl7ParseException e) {
            throw new Hl7InputException(ErrorClass.UNDECODABLE, e.getMessage() + "; set hl7.charset to override it");
        }
        return split(normalise(decoded.text()), decoded.charset());
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
