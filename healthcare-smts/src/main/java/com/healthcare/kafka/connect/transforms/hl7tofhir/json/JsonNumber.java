package com.healthcare.kafka.connect.transforms.hl7tofhir.json;

/**
 * A JSON number kept as its decimal text, so FHIR decimals keep the precision (trailing zeros included) the
 * sender gave: "5.10" stays 5.10.
 */
public final class JsonNumber {

    private final String text;

    private JsonNumber(String text) {
        this.text = text;
    }

    public static JsonNumber of(long v) {
        return new JsonNumber(Long.toString(v));
    }

    /**
     * Parses an HL7 v2 NM value ({@code [+|-]digits[.digits]}); returns null when it is not a number. Leading
     * zeros and a leading '+' are dropped and ".5" becomes 0.5, as JSON requires.
     */
    public static JsonNumber parseDecimal(String v) {
        if (v == null) {
            return null;
        }
        String s = v.strip();
        if (s.isEmpty()) {
            return null;
        }
        boolean negative = false;
        int i = 0;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        int intStart = i;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
        }
        String intPart = s.substring(intStart, i);
        String fracPart = "";
        if (i < s.length() && s.charAt(i) == '.') {
            int f = ++i;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
            }
            fracPart = s.substring(f, i);
        }
        if (i != s.length() || (intPart.isEmpty() && fracPart.isEmpty())) {
            return null;
        }
        int nz = 0;
        while (nz < intPart.length() - 1 && intPart.charAt(nz) == '0') {
            nz++;
        }
        intPart = intPart.isEmpty() ? "0" : intPart.substring(nz);
        StringBuilder b = new StringBuilder(s.length() + 1);
        boolean zero = intPart.equals("0") && fracPart.chars().allMatch(c -> c == '0');
        if (negative && !zero) {
            b.append('-');
        }
        b.append(intPart);
        if (!fracPart.isEmpty()) {
            b.append('.').append(fracPart);
        }
        return new JsonNumber(b.toString());
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonNumber && ((JsonNumber) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
