package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A parsed HL7 v2 message (ER7 encoding). Segment terminators CR, LF and CRLF are all accepted; delimiters come
 * from MSH-1/MSH-2. Parsing is structural only (no HAPI model): fields are split on access, so a message is
 * parsed in one pass over its text.
 */
public final class V2Message {

    private final Delimiters delimiters;
    private final List<V2Segment> segments;

    private V2Message(Delimiters delimiters, List<V2Segment> segments) {
        this.delimiters = delimiters;
        this.segments = segments;
    }

    public static V2Message parse(String text) {
        if (text == null) {
            throw new V2ParseException("message is empty");
        }
        int start = 0;
        int n = text.length();
        // A byte order mark, whitespace or an MLLP start byte left in front of MSH is tolerated.
        while (start < n && (Character.isWhitespace(text.charAt(start)) || text.charAt(start) == '\uFEFF'
                || text.charAt(start) == 0x0B)) {
            start++;
        }
        if (start >= n) {
            throw new V2ParseException("message is empty");
        }
        if (!text.startsWith("MSH", start)) {
            if (text.startsWith("FHS", start) || text.startsWith("BHS", start)) {
                throw new V2ParseException("batch envelopes (FHS/BHS) are not converted: one message per record");
            }
            throw new V2ParseException("message does not start with an MSH segment");
        }
        int mshEnd = lineEnd(text, start);
        Delimiters d = Delimiters.fromMsh(text.substring(start, mshEnd));
        List<V2Segment> segments = new ArrayList<>(16);
        int pos = start;
        while (pos < n) {
            int end = lineEnd(text, pos);
            if (end > pos) {
                String line = text.substring(pos, end);
                if (!(line.length() == 1 && line.charAt(0) == 0x1C) && !line.isBlank()) {
                    checkSegmentId(line, d, segments.size());
                    segments.add(new V2Segment(line, d, segments.size()));
                }
            }
            pos = end + 1;
        }
        return new V2Message(d, Collections.unmodifiableList(segments));
    }

    private static int lineEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                return i;
            }
        }
        return text.length();
    }

    private static void checkSegmentId(String line, Delimiters d, int index) {
        boolean ok = line.length() >= 3 && Character.isUpperCase(line.charAt(0))
                && isIdChar(line.charAt(1)) && isIdChar(line.charAt(2))
                && (line.length() == 3 || line.charAt(3) == d.field);
        if (!ok) {
            throw new V2ParseException("segment " + (index + 1) + " does not start with a segment id");
        }
    }

    private static boolean isIdChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    public Delimiters delimiters() {
        return delimiters;
    }

    public List<V2Segment> segments() {
        return segments;
    }

    public V2Segment msh() {
        return segments.get(0);
    }

    /** The first segment with this id, or null. */
    public V2Segment first(String id) {
        for (V2Segment s : segments) {
            if (s.name().equals(id)) {
                return s;
            }
        }
        return null;
    }

    public String messageCode() {
        return msh().get(9, 1);
    }

    public String triggerEvent() {
        return msh().get(9, 2);
    }

    public String messageStructure() {
        return msh().get(9, 3);
    }

    public String controlId() {
        return msh().get(10);
    }

    public String version() {
        return msh().get(12);
    }
}
