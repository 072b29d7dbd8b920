package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

import java.util.ArrayList;
import java.util.List;

import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.hl7v2.Hl7Escapes;
import com.healthcare.kafka.connect.hl7v2.Hl7Segment;
import com.healthcare.kafka.connect.hl7v2.Hl7Split;

/**
 * One segment, as the shared reader split it ({@link Hl7Segment}). Field numbers follow the standard: for MSH, field 1 is the field separator and field 2 the
 * encoding characters. Values are unescaped and trimmed on access; the HL7 null {@code ""} reads as absent.
 */
public final class V2Segment {

    private final String name;
    private final Hl7Segment segment;
    private final Hl7Delimiters delimiters;
    /** Parsed repetitions per field, filled on first access (mappers read a field several times). */
    private final List<?>[] repetitionCache;

    V2Segment(Hl7Segment segment) {
        this.segment = segment;
        this.name = segment.name();
        this.delimiters = segment.delimiters();
        this.repetitionCache = new List<?>[segment.fieldCount() + 1];
    }

    public String name() {
        return name;
    }

    /** 0-based position of the segment in its message. */
    public int position() {
        return segment.index();
    }

    public Hl7Delimiters delimiters() {
        return delimiters;
    }

    /** Highest field number present. */
    public int fieldCount() {
        return segment.fieldCount();
    }

    /** The field's raw text (escapes unresolved, all repetitions); "" if absent. */
    public String raw(int field) {
        return segment.field(field);
    }

    /** True when the field holds a value in any repetition. */
    public boolean has(int field) {
        return !repetitions(field).isEmpty();
    }

    /** Every non-empty repetition of the field. */
    @SuppressWarnings("unchecked")
    public List<V2Composite> repetitions(int field) {
        if (field < 1 || field >= repetitionCache.length) {
            return List.of();
        }
        List<V2Composite> cached = (List<V2Composite>) repetitionCache[field];
        if (cached == null) {
            cached = parseRepetitions(field);
            repetitionCache[field] = cached;
        }
        return cached;
    }

    private List<V2Composite> parseRepetitions(int field) {
        String r = raw(field);
        if (r.isEmpty()) {
            return List.of();
        }
        if (r.indexOf(delimiters.repetition()) < 0 || segment.isDelimiterField(field)) {
            V2Composite c = new V2Composite(r, delimiters, true);
            return c.isEmpty() ? List.of() : List.of(c);
        }
        String[] reps = Hl7Split.split(r, delimiters.repetition());
        List<V2Composite> out = new ArrayList<>(reps.length);
        for (String rep : reps) {
            V2Composite c = new V2Composite(rep, delimiters, true);
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The first non-empty repetition, or an empty composite. */
    public V2Composite first(int field) {
        List<V2Composite> reps = repetitions(field);
        return reps.isEmpty() ? V2Composite.EMPTY : reps.get(0);
    }

    /** Component 1 of the first repetition. */
    public String get(int field) {
        return first(field).get(1);
    }

    public String get(int field, int component) {
        return first(field).get(component);
    }

    public String get(int field, int component, int subcomponent) {
        return first(field).get(component, subcomponent);
    }

    /**
     * The field's first repetition as text, keeping component and subcomponent separators literally (for
     * free-text fields such as NTE-3 where a sender may have left them unescaped).
     */
    public String text(int field) {
        String r = raw(field);
        if (r.isEmpty()) {
            return null;
        }
        return value(r, delimiters);
    }

    static boolean valued(String p, Hl7Delimiters d) {
        if (p.isEmpty() || p.equals("\"\"")) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c != d.component() && (c != d.subcomponent() || c == 0) && !Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }

    static String value(String p, Hl7Delimiters d) {
        if (p.isEmpty() || p.equals("\"\"")) {
            return null;
        }
        String v = Hl7Escapes.toPlainText(p, d).strip();
        return v.isEmpty() ? null : v;
    }
}
