package com.healthcare.kafka.connect.hl7v2;

/** Splitting on one delimiter; a delimiter of 0 ("not declared") never splits. */
public final class Hl7Split {

    private static final String[] ONE_EMPTY = {""};

    private Hl7Split() {
    }

    /** {@code s} split on {@code sep}, empty parts kept (n separators give n + 1 parts). */
    public static String[] split(String s, char sep) {
        if (s.isEmpty()) {
            return ONE_EMPTY.clone();
        }
        if (sep == 0) {
            return new String[] {s};
        }
        int count = 1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                count++;
            }
        }
        String[] out = new String[count];
        int start = 0;
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                out[k++] = s.substring(start, i);
                start = i + 1;
            }
        }
        out[k] = s.substring(start);
        return out;
    }

    /** The n-th (1-based) part of {@code s} split on {@code sep}; "" when absent. */
    public static String nth(String s, char sep, int n) {
        if (s == null || n < 1) {
            return "";
        }
        if (sep == 0) {
            return n == 1 ? s : "";
        }
        int from = 0;
        for (int k = 1; k < n; k++) {
            int next = s.indexOf(sep, from);
            if (next < 0) {
                return "";
            }
            from = next + 1;
        }
        int stop = s.indexOf(sep, from);
        return stop < 0 ? s.substring(from) : s.substring(from, stop);
    }
}
