package com.healthcare.kafka.connect.hl7v2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads HL7 v2 ER7 text into segments: the one reader the HL7 source, Hl7ToFhir and MaskPhi share.
 *
 * <p>Rules: segment terminators CR, LF and CRLF are all accepted; blank lines and a stray MLLP end byte are
 * skipped; white space, a byte order mark or an MLLP start byte before the first segment are tolerated. The first
 * segment must be MSH, FHS or BHS; each such header sets the delimiters of the segments after it (a batch may
 * change them per message). Every other line must start with a segment id (an upper-case letter, then two upper-case
 * letters or digits) followed by the field separator or the end of the line. Anything else is an
 * {@link Hl7ParseException}, the only exception this reader throws.
 */
public final class Hl7Reader {

    private Hl7Reader() {
    }

    /** A read message (or batch): its segments in order. */
    public record Message(String text, List<Hl7Segment> segments) {

        /** The delimiters of the first header. */
        public Hl7Delimiters delimiters() {
            return segments.get(0).delimiters();
        }

        /** The first segment with this id, or null. */
        public Hl7Segment first(String id) {
            for (Hl7Segment s : segments) {
                if (s.name().equals(id)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Reads the text of one message or one batch. */
    public static Message read(String text) {
        if (text == null) {
            throw new Hl7ParseException(Hl7ParseException.Kind.NO_HEADER, "the message is empty");
        }
        int n = text.length();
        int start = skipLeading(text);
        if (start >= n) {
            throw new Hl7ParseException(Hl7ParseException.Kind.NO_HEADER, "the message is empty");
        }
        if (!(text.startsWith("MSH", start) || text.startsWith("FHS", start) || text.startsWith("BHS", start))) {
            throw new Hl7ParseException(Hl7ParseException.Kind.NO_HEADER,
                    "the message does not start with an MSH, FHS or BHS segment");
        }
        List<Hl7Segment> segments = new ArrayList<>(16);
        Hl7Delimiters delimiters = null;
        int pos = start;
        while (pos < n) {
            int end = lineEnd(text, pos);
            if (end > pos && !isFiller(text, pos, end)) {
                String line = text.substring(pos, end);
                if (line.startsWith("MSH") || line.startsWith("FHS") || line.startsWith("BHS")) {
                    delimiters = Hl7Delimiters.ofHeader(line, 0, line.length());
                }
                checkSegmentId(line, delimiters, segments.size());
                segments.add(new Hl7Segment(line, delimiters, segments.size()));
            }
            pos = end + 1;
        }
        return new Message(text, Collections.unmodifiableList(segments));
    }

    /**
     * Reads one header segment (MSH, FHS or BHS) on its own, e.g. to route a message by its MSH without splitting
     * the rest; {@code line} is the segment without its terminator.
     */
    public static Hl7Segment header(String line) {
        if (line.length() < 3 || !Hl7Segment.isHeader(line.substring(0, 3))) {
            throw new Hl7ParseException(Hl7ParseException.Kind.NO_HEADER,
                    "the message does not start with an MSH, FHS or BHS segment");
        }
        return new Hl7Segment(line, Hl7Delimiters.ofHeader(line, 0, line.length()), 0);
    }

    /** Offset of the first character after leading white space, byte order marks and MLLP start bytes. */
    public static int skipLeading(CharSequence text) {
        int start = 0;
        int n = text.length();
        while (start < n && (Character.isWhitespace(text.charAt(start)) || text.charAt(start) == '\uFEFF'
                || text.charAt(start) == 0x0B)) {
            start++;
        }
        return start;
    }

    /** End of the line starting at {@code from}: the next CR or LF, or the end of the text. */
    public static int lineEnd(CharSequence text, int from) {
        int n = text.length();
        for (int i = from; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                return i;
            }
        }
        return n;
    }

    /** A blank line or a stray MLLP end byte: not a segment. */
    private static boolean isFiller(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != 0x1C && !Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    private static void checkSegmentId(String line, Hl7Delimiters d, int index) {
        boolean ok = line.length() >= 3 && isUpper(line.charAt(0)) && isIdChar(line.charAt(1))
                && isIdChar(line.charAt(2)) && (line.length() == 3 || line.charAt(3) == d.field());
        if (!ok) {
            throw new Hl7ParseException(Hl7ParseException.Kind.MALFORMED,
                    "segment " + (index + 1) + " does not start with a segment id");
        }
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isIdChar(char c) {
        return isUpper(c) || (c >= '0' && c <= '9');
    }
}
