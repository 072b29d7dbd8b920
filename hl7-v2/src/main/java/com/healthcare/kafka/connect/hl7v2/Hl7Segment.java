package com.healthcare.kafka.connect.hl7v2;

/**
 * One segment as written: its id, the delimiters in force (those of the last MSH, FHS or BHS), and its fields.
 * Field numbers follow the standard: for MSH (and FHS, BHS) field 1 is the field separator and field 2 the encoding
 * characters, which are never split or unescaped. Raw accessors return text as written; {@link #value} unescapes.
 */
public final class Hl7Segment {

    private final String name;
    private final String text;
    private final int index;
    private final Hl7Delimiters delimiters;
    /** fields[n] is field n as written; fields[0] is the segment id. */
    private final String[] fields;

    Hl7Segment(String text, Hl7Delimiters delimiters, int index) {
        this.text = text;
        this.index = index;
        this.delimiters = delimiters;
        this.name = text.substring(0, 3);
        String[] split = Hl7Split.split(text, delimiters.field());
        if (isHeader(name)) {
            // MSH-1 is the separator itself, so split[n - 1] is MSH-n from MSH-2 on.
            String[] f = new String[split.length + 1];
            f[0] = name;
            f[1] = String.valueOf(delimiters.field());
            System.arraycopy(split, 1, f, 2, split.length - 1);
            this.fields = f;
        } else {
            this.fields = split;
        }
    }

    /** Whether a segment id names a header that declares delimiters (MSH, FHS, BHS). */
    public static boolean isHeader(String id) {
        return id.equals("MSH") || id.equals("FHS") || id.equals("BHS");
    }

    /** The segment id (MSH, PID, ZXY ...). */
    public String name() {
        return name;
    }

    /** The segment's text as written, without its terminator. */
    public String text() {
        return text;
    }

    /** 0-based position of the segment in its message (or batch). */
    public int index() {
        return index;
    }

    public Hl7Delimiters delimiters() {
        return delimiters;
    }

    /** Highest field number present. */
    public int fieldCount() {
        return fields.length - 1;
    }

    /** Field {@code n} as written (all repetitions, escapes unresolved); "" when absent. */
    public String field(int n) {
        return n >= 1 && n < fields.length ? fields[n] : "";
    }

    /** Whether field {@code n} is MSH-1/MSH-2 (or FHS/BHS-1/2): read as written, never split. */
    public boolean isDelimiterField(int n) {
        return n <= 2 && isHeader(name);
    }

    /** The repetitions of field {@code n} as written; one empty repetition when the field is empty or absent. */
    public String[] repetitions(int n) {
        String f = field(n);
        return isDelimiterField(n) ? new String[] {f} : Hl7Split.split(f, delimiters.repetition());
    }

    /** Components of one repetition as written. */
    public String[] components(String repetition) {
        return Hl7Split.split(repetition, delimiters.component());
    }

    /** Subcomponents of one component as written. */
    public String[] subcomponents(String component) {
        return Hl7Split.split(component, delimiters.subcomponent());
    }

    /**
     * One leaf, unescaped ({@link Hl7Escapes#unescape}): subcomponent {@code sub} of component {@code comp} of
     * repetition {@code rep} of field {@code n}, all 1-based; "" when absent.
     */
    public String value(int n, int rep, int comp, int sub) {
        if (isDelimiterField(n)) {
            if (rep != 1 || comp != 1 || sub != 1) {
                return "";
            }
            return n == 1 ? field(1) : delimiters.encodingCharacters();
        }
        String r = Hl7Split.nth(field(n), delimiters.repetition(), rep);
        String c = Hl7Split.nth(r, delimiters.component(), comp);
        String s = Hl7Split.nth(c, delimiters.subcomponent(), sub);
        return Hl7Escapes.unescape(s, delimiters);
    }
}
