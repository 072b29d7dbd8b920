package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.hl7v2.Hl7Split;

/**
 * One repetition of a field (its parts are components, each made of subcomponents), or one component (its
 * parts are subcomponents). Parts are split lazily and unescaped on access; positions are 1-based as in the
 * standard. A part holding only the HL7 null {@code ""} reads as absent.
 */
public final class V2Composite {

    static final V2Composite EMPTY = new V2Composite("", Hl7Delimiters.STANDARD, true);
    private static final String[] NONE = new String[0];

    private final String raw;
    private final Hl7Delimiters delimiters;
    private final boolean splitsComponents;
    private String[] parts;

    V2Composite(String raw, Hl7Delimiters delimiters, boolean splitsComponents) {
        this.raw = raw;
        this.delimiters = delimiters;
        this.splitsComponents = splitsComponents;
    }

    /** True when no part holds a value. */
    public boolean isEmpty() {
        if (raw.isEmpty()) {
            return true;
        }
        // Fast path: any character that is neither a separator, blank nor a quote means a value.
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != delimiters.component() && (c != delimiters.subcomponent() || c == 0) && c != '"'
                    && !Character.isWhitespace(c)) {
                return false;
            }
        }
        for (String p : parts()) {
            if (V2Segment.valued(p, delimiters)) {
                return false;
            }
        }
        return true;
    }

    /** Number of parts (components, or subcomponents of a component). */
    public int size() {
        return parts().length;
    }

    /** Part {@code n}, trimmed and unescaped; its first subcomponent when this is a repetition; null if empty. */
    public String get(int n) {
        String p = part(n);
        if (p == null) {
            return null;
        }
        if (splitsComponents) {
            int sub = delimiters.subcomponent() == 0 ? -1 : p.indexOf(delimiters.subcomponent());
            if (sub >= 0) {
                p = p.substring(0, sub);
            }
        }
        return V2Segment.value(p, delimiters);
    }

    /** Subcomponent {@code s} of component {@code c}. */
    public String get(int c, int s) {
        return component(c).get(s);
    }

    /** Component {@code c} as a composite of its subcomponents (e.g. the HD inside CX.4). */
    public V2Composite component(int c) {
        String p = part(c);
        if (p == null) {
            return EMPTY;
        }
        return new V2Composite(p, delimiters, false);
    }

    /** The whole part {@code n} unescaped, subcomponent separators included (for text that may carry them). */
    public String text(int n) {
        String p = part(n);
        return p == null ? null : V2Segment.value(p, delimiters);
    }

    /** The whole value unescaped, separators included (free text a sender left partly unescaped). */
    public String wholeText() {
        return V2Segment.value(raw, delimiters);
    }

    String raw() {
        return raw;
    }

    private String part(int n) {
        String[] ps = parts();
        return n >= 1 && n <= ps.length ? ps[n - 1] : null;
    }

    private String[] parts() {
        String[] p = parts;
        if (p == null) {
            p = raw.isEmpty() ? NONE
                    : Hl7Split.split(raw, splitsComponents ? delimiters.component() : delimiters.subcomponent());
            parts = p;
        }
        return p;
    }
}
