package com.healthcare.kafka.connect.hl7.parse;

/** The delimiters a message declares in MSH-1 and MSH-2. */
public final class Separators {

    public static final Separators DEFAULT = new Separators('|', "^~\\&");

    private final char field;
    private final char component;
    private final char repetition;
    private final char escape;
    private final char subcomponent;
    private final String encodingCharacters;

    public Separators(char field, String encodingCharacters) {
        this.field = field;
        this.encodingCharacters = encodingCharacters;
        this.component = encodingCharacters.length() > 0 ? encodingCharacters.charAt(0) : '^';
        this.repetition = encodingCharacters.length() > 1 ? encodingCharacters.charAt(1) : '~';
        this.escape = encodingCharacters.length() > 2 ? encodingCharacters.charAt(2) : 0;
        this.subcomponent = encodingCharacters.length() > 3 ? encodingCharacters.charAt(3) : '&';
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

    /** The escape character, or 0 when the message declares none. */
    public char escape() {
        return escape;
    }

    public char subcomponent() {
        return subcomponent;
    }

    /** MSH-2 as declared. */
    public String encodingCharacters() {
        return encodingCharacters;
    }
}
