package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.hl7v2.Hl7ParseException;
import com.healthcare.kafka.connect.hl7v2.Hl7Reader;
import com.healthcare.kafka.connect.hl7v2.Hl7Segment;

/**
 * A parsed HL7 v2 message (ER7 encoding), read by the bundle's one HL7 v2 reader ({@link Hl7Reader}: terminators,
 * delimiters, escapes). This class is Hl7ToFhir's view of it: values trimmed, the HL7 null read as absent, escapes
 * rendered as plain text. Fields are split on access, so a message is parsed in one pass over its text.
 */
public final class V2Message {

    private final Hl7Delimiters delimiters;
    private final List<V2Segment> segments;

    private V2Message(Hl7Delimiters delimiters, List<V2Segment> segments) {
        this.delimiters = delimiters;
        this.segments = segments;
    }

    public static V2Message parse(String text) {
        if (text != null) {
            int start = Hl7Reader.skipLeading(text);
            if (text.startsWith("FHS", start) || text.startsWith("BHS", start)) {
                throw new V2ParseException("batch envelopes (FHS/BHS) are not converted: one message per record");
            }
            if (start < text.length() && !text.startsWith("MSH", start)) {
                throw new V2ParseException("message does not start with an MSH segment");
            }
        }
        Hl7Reader.Message read;
        try {
            read = Hl7Reader.read(text);
        } catch (Hl7ParseException e) {
            throw new V2ParseException(e.getMessage());
        }
        List<Hl7Segment> in = read.segments();
        List<V2Segment> segments = new ArrayList<>(in.size());
        for (Hl7Segment s : in) {
            segments.add(new V2Segment(s));
        }
        return new V2Message(read.delimiters(), Collections.unmodifiableList(segments));
    }

    public Hl7Delimiters delimiters() {
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
