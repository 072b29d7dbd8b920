package com.healthcare.kafka.connect.hl7v2;

/**
 * The delimiters a message declares in MSH-1 and MSH-2 (or FHS/BHS-1 and -2).
 *
 * <p>MSH-2 lists, in order, the component separator, repetition separator, escape character, subcomponent
 * separator and (v2.7+) truncation character. A character the header does not declare is not in use: with MSH-2
 * {@code ^~} a backslash or an ampersand in a field is data, not an escape or a subcomponent separator. The
 * value 0 stands for "not declared".
 */
public final class Hl7Delimiters {

    /** The recommended {@code |^~\&}. */
    public static final Hl7Delimiters STANDARD = new Hl7Delimiters('|', "^~\\&");

    private final char field;
    private final char component;
    private final char repetition;
    private final char escape;
    private final char subcomponent;
    private final char truncation;
    private final String encodingCharacters;

    private Hl7Delimiters(char field, String encodingCharacters) {
        this.field = field;
        this.encodingCharacters = encodingCharacters;
        this.component = at(encodingCharacters, 0);
        this.repetition = at(encodingCharacters, 1);
        this.escape = at(encodingCharacters, 2);
        this.subcomponent = at(encodingCharacters, 3);
        this.truncation = at(encodingCharacters, 4);
    }

    private static char at(String s, int i) {
        return s.length() > i ? s.charAt(i) : 0;
    }

    /**
     * Delimiters from a field separator and MSH-2 as written.
     *
     * @throws Hl7ParseException when they are not 2 to 5 distinct delimiter characters other than the field
     *                           separator (letters, digits, white space and control characters are not delimiters)
     */
    public static Hl7Delimiters of(char field, String declared) {
        String encodingCharacters = declared;
        if (encodingCharacters.length() == 5 && encodingCharacters.charAt(2) == encodingCharacters.charAt(3)
                && encodingCharacters.charAt(2) == '\\') {
            // "^~\\\\&": a backslash doubled by string escaping on the way (seen in public sample sets); reading
            // it literally would make the subcomponent separator a second escape character.
            encodingCharacters = encodingCharacters.substring(0, 2) + encodingCharacters.substring(3);
        }
        if (!isDelimiter(field)) {
            throw new Hl7ParseException(Hl7ParseException.Kind.MALFORMED,
                    "MSH-1 field separator is not a delimiter character");
        }
        if (encodingCharacters.length() < 2 || encodingCharacters.length() > 5) {
            throw new Hl7ParseException(Hl7ParseException.Kind.MALFORMED,
                    "MSH-2 encoding characters must be 2 to 5 delimiters (usually ^~\\&)");
        }
        for (int i = 0; i < encodingCharacters.length(); i++) {
            char c = encodingCharacters.charAt(i);
            if (!isDelimiter(c) || c == field || encodingCharacters.indexOf(c) != i) {
                throw new Hl7ParseException(Hl7ParseException.Kind.MALFORMED,
                        "MSH-2 encoding characters must be distinct delimiters different from the field separator");
            }
        }
        if (field == '|' && encodingCharacters.equals("^~\\&")) {
            return STANDARD;
        }
        return new Hl7Delimiters(field, encodingCharacters);
    }

    /**
     * Delimiters of the header segment (MSH, FHS or BHS) in {@code text[start, end)}: MSH-1 is the character after
     * the segment id, MSH-2 runs to the next field separator or the end of the segment.
     */
    public static Hl7Delimiters ofHeader(CharSequence text, int start, int end) {
        if (end - start < 4) {
            throw new Hl7ParseException(Hl7ParseException.Kind.MALFORMED,
                    "the header segment is truncated before its field separator");
        }
        char field = text.charAt(start + 3);
        int encEnd = start + 4;
        while (encEnd < end && text.charAt(encEnd) != field) {
            encEnd++;
        }
        return of(field, text.subSequence(start + 4, encEnd).toString());
    }

    private static boolean isDelimiter(char c) {
        return c > ' ' && c < 0x7F && !Character.isLetterOrDigit(c);
    }

    public char field() {
        return field;
    }

    public char component() {
        return component;
    }

    public char repetition() {
        return repetition;
    }

    /** The escape character, or 0 when MSH-2 declares none (then nothing is an escape sequence). */
    public char escape() {
        return escape;
    }

    /** The subcomponent separator, or 0 when MSH-2 declares none (then components have one subcomponent). */
    public char subcomponent() {
        return subcomponent;
    }

    /** The v2.7+ truncation character, or 0 when MSH-2 declares none. */
    public char truncation() {
        return truncation;
    }

    /** MSH-2 as declared. */
    public String encodingCharacters() {
        return encodingCharacters;
    }

    /** Whether {@code c} is one of the declared delimiters (field, component, repetition, escape, subcomponent). */
    public boolean isDelimiterChar(char c) {
        return c != 0 && (c == field || c == component || c == repetition || c == escape || c == subcomponent);
    }

    @Override
    public String toString() {
        return field + encodingCharacters;
    }
}
