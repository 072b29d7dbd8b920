package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

/** The separators and escape character a message declares in MSH-1 and MSH-2. */
public final class Delimiters {

    public static final Delimiters DEFAULT = new Delimiters('|', '^', '~', '\\', '&');

    public final char field;
    public final char component;
    public final char repetition;
    public final char escape;
    public final char subcomponent;

    public Delimiters(char field, char component, char repetition, char escape, char subcomponent) {
        this.field = field;
        this.component = component;
        this.repetition = repetition;
        this.escape = escape;
        this.subcomponent = subcomponent;
    }

    /** Reads MSH-1 (the character after "MSH") and MSH-2 (up to the next field separator). */
    static Delimiters fromMsh(String msh) {
        if (msh.length() < 4) {
            throw new V2ParseException("MSH segment is truncated before its field separator");
        }
        char field = msh.charAt(3);
        if (Character.isLetterOrDigit(field) || Character.isWhitespace(field)) {
            throw new V2ParseException("MSH-1 field separator is not a valid delimiter");
        }
        int end = msh.indexOf(field, 4);
        String enc = end < 0 ? msh.substring(4) : msh.substring(4, end);
        // Absent encoding characters fall back to the standard ones, as HAPI does.
        char component = enc.length() > 0 ? enc.charAt(0) : '^';
        char repetition = enc.length() > 1 ? enc.charAt(1) : '~';
        char escape = enc.length() > 2 ? enc.charAt(2) : '\\';
        char subcomponent = enc.length() > 3 ? enc.charAt(3) : '&';
        if (component == field || repetition == field || escape == field || subcomponent == field
                || component == repetition || component == subcomponent || repetition == subcomponent) {
            throw new V2ParseException("MSH-2 encoding characters are ambiguous");
        }
        if (field == '|' && component == '^' && repetition == '~' && escape == '\\' && subcomponent == '&') {
            return DEFAULT;
        }
        return new Delimiters(field, component, repetition, escape, subcomponent);
    }
}
