package com.healthcare.kafka.connect.transforms.mask;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.healthcare.kafka.connect.transforms.mask.Hl7Rules.ComponentRules;
import com.healthcare.kafka.connect.transforms.mask.Hl7Rules.FieldRules;
import com.healthcare.kafka.connect.transforms.mask.Hl7TextMasker.Delimiters;

/**
 * Under a profile, the identifying values of a message's people (the patient, next of kin, guarantor, insured,
 * contacts: every value of PID, NK1, GT1, IN1 and CTD that a rule masks) are also removed wherever else they
 * appear in that message: query parameters (QPD, ERQ, QRD), Z-segments and other segments, NTE and OBX text.
 * Field rules reach only the places they name; a site that copies the patient's name into a Z-segment or a note
 * would otherwise pass it on. Values are matched as whole words, ignoring case; values shorter than 3
 * characters (and numbers shorter than 4 digits) are too common to remove everywhere. A phone number is also
 * matched by its digits and as {@code 555-0123}.
 */
final class IdentitySweep {

    /** The segments that name the people of a message. */
    static final Set<String> SOURCES = Set.of("PID", "NK1", "GT1", "IN1", "CTD");

    private IdentitySweep() {
    }

    /** Whether a segment of the output is swept: every segment but the headers and the sources themselves. */
    static boolean swept(String text, int start, int end) {
        if (end - start < 3) {
            return false;
        }
        String name = text.substring(start, start + 3);
        return !SOURCES.contains(name) && !name.equals("MSH") && !name.equals("FHS") && !name.equals("BHS");
    }

    /** The identifying values of a message, lower case, each with the set of characters it holds. */
    record People(String[] values, long[] chars) {
        static final People NONE = new People(new String[0], new long[0]);

        boolean isEmpty() {
            return values.length == 0;
        }
    }

    /** The identifying values of segments [from, to) of one message. */
    static People collect(String text, List<int[]> segments, int from, int to, Delimiters d, Hl7Rules rules) {
        Set<String> values = null;
        for (int s = from; s < to; s++) {
            int[] seg = segments.get(s);
            int start = seg[0];
            int end = seg[1];
            if (end - start < 5 || text.charAt(start + 3) != d.field) {
                continue;
            }
            String name = text.substring(start, start + 3);
            FieldRules[] fieldRules = SOURCES.contains(name) ? rules.segment(name) : null;
            if (fieldRules == null) {
                continue;
            }
            // one pass over the segment: leaves end at any delimiter; their field and component decide the rule
            int f = 1;
            int c = 1;
            int leaf = start + 4;
            for (int i = start + 4; i <= end; i++) {
                char ch = i == end ? d.field : text.charAt(i);
                boolean sep = ch == d.field || ch == d.repetition || ch == d.component || ch == d.subcomponent;
                if (!sep) {
                    continue;
                }
                if (i - leaf >= 3 && f < fieldRules.length && fieldRules[f] != null) {
                    FieldRules fr = fieldRules[f];
                    ComponentRules cr = fr.components != null && c < fr.components.length ? fr.components[c] : null;
                    MaskRule rule = cr != null && cr.rule != null ? cr.rule : fr.rule;
                    if (rule != null && rule.method() != MaskMethod.KEEP) {
                        values = add(values, d.unescape(text.substring(leaf, i)).trim());
                    }
                }
                if (ch == d.field) {
                    f++;
                    c = 1;
                } else if (ch == d.repetition) {
                    c = 1;
                } else if (ch == d.component) {
                    c++;
                }
                leaf = i + 1;
            }
        }
        if (values == null) {
            return People.NONE;
        }
        String[] texts = values.toArray(new String[0]);
        long[] chars = new long[texts.length];
        for (int i = 0; i < texts.length; i++) {
            chars[i] = bits(texts[i]);
        }
        return new People(texts, chars);
    }

    private static Set<String> add(Set<String> values, String value) {
        int digits = 0;
        for (int i = 0; i < value.length(); i++) {
            if (Character.isDigit(value.charAt(i))) {
                digits++;
            }
        }
        if (value.length() < 3 || (digits == value.length() && digits < 4) || value.equals("\"\"")) {
            return values;
        }
        Set<String> out = values == null ? new HashSet<>() : values;
        out.add(value.toLowerCase(Locale.ROOT));
        if (digits >= 7 && digits < value.length()) {
            // a formatted phone number: also its digits, and its local part as written in notes
            StringBuilder only = new StringBuilder(digits);
            for (int i = 0; i < value.length(); i++) {
                if (Character.isDigit(value.charAt(i))) {
                    only.append(value.charAt(i));
                }
            }
            out.add(only.toString());
            String local = only.substring(only.length() - 7);
            out.add(local.substring(0, 3) + "-" + local.substring(3));
        }
        return out;
    }

    /** A bit per lower-case ASCII letter and digit (others share one bit), for a quick "cannot occur" test. */
    private static long bit(char c) {
        if (c >= 'a' && c <= 'z') {
            return 1L << (c - 'a');
        }
        if (c >= 'A' && c <= 'Z') {
            return 1L << (c - 'A');
        }
        if (c >= '0' && c <= '9') {
            return 1L << (26 + c - '0');
        }
        return 1L << 36;
    }

    private static long bits(String value) {
        long b = 0;
        for (int i = 0; i < value.length(); i++) {
            b |= bit(value.charAt(i));
        }
        return b;
    }

    /** Removes every whole-word occurrence of the people's values from the segment written at out[from, end). */
    static void scrub(StringBuilder out, int from, People people) {
        int bodyStart = from + 4; // the segment name and its separator stay
        if (out.length() <= bodyStart) {
            return;
        }
        long present = 0;
        for (int i = bodyStart; i < out.length(); i++) {
            present |= bit(out.charAt(i));
        }
        String[] values = people.values();
        long[] chars = people.chars();
        String body = null;
        String lower = null;
        boolean[] cut = null;
        for (int v = 0; v < values.length; v++) {
            if ((chars[v] & ~present) != 0) {
                continue; // a character of the value is not in the segment: it cannot occur
            }
            if (lower == null) {
                body = out.substring(bodyStart);
                lower = body.toLowerCase(Locale.ROOT);
                if (lower.length() != body.length()) {
                    return; // a character whose lower case is longer: not matched (never seen in names)
                }
            }
            String value = values[v];
            int at = lower.indexOf(value);
            while (at >= 0) {
                int stop = at + value.length();
                if ((at == 0 || !Character.isLetterOrDigit(lower.charAt(at - 1)))
                        && (stop == lower.length() || !Character.isLetterOrDigit(lower.charAt(stop)))) {
                    cut = cut == null ? new boolean[lower.length()] : cut;
                    for (int i = at; i < stop; i++) {
                        cut[i] = true;
                    }
                }
                at = lower.indexOf(value, at + 1);
            }
        }
        if (cut == null) {
            return;
        }
        out.setLength(bodyStart);
        for (int i = 0; i < body.length(); i++) {
            if (!cut[i]) {
                out.append(body.charAt(i));
            }
        }
    }
}
