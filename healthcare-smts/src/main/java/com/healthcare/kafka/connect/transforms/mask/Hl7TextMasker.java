package com.healthcare.kafka.connect.transforms.mask;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.healthcare.kafka.connect.transforms.mask.Hl7Rules.ComponentRules;
import com.healthcare.kafka.connect.transforms.mask.Hl7Rules.FieldRules;

/**
 * Masks HL7 v2 text (ER7, pipe-delimited) in place: every occurrence of a segment, every repetition of a field,
 * with the delimiters each message declares in MSH-1/MSH-2 (or FHS/BHS). Values are unescaped before a method
 * reads them and escaped when written, so escapes stay valid; segments, their order and their terminators are
 * kept, so the masked message still parses.
 */
public final class Hl7TextMasker {

    /** Masked text and the (original) patient id of its first message, for the HL7 source's Struct. */
    public record Result(String text, String patientId) {
    }

    private final Hl7Rules rules;
    private final MaskFunctions fn;
    /** Under a profile: a line that is not a segment (text after a stray LF in a note, garbage) is emptied. */
    private final boolean failClosed;

    public Hl7TextMasker(Hl7Rules rules, MaskFunctions fn) {
        this(rules, fn, false);
    }

    public Hl7TextMasker(Hl7Rules rules, MaskFunctions fn, boolean failClosed) {
        this.rules = rules;
        this.fn = fn;
        this.failClosed = failClosed;
    }

    /** Whether {@code text} looks like HL7 v2 ER7: it starts (after white space) with MSH, FHS or BHS. */
    public static boolean looksLikeHl7(CharSequence text) {
        int i = 0;
        int n = text.length();
        while (i < n && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '\uFEFF')) {
            i++;
        }
        if (n - i < 4) {
            return false;
        }
        String head = text.subSequence(i, i + 3).toString();
        char sep = text.charAt(i + 3);
        return (head.equals("MSH") || head.equals("FHS") || head.equals("BHS"))
                && !Character.isLetterOrDigit(sep) && !Character.isWhitespace(sep);
    }

    public String mask(String text) {
        return maskWithPatient(text).text();
    }

    public Result maskWithPatient(String text) {
        List<int[]> segments = split(text);
        StringBuilder out = new StringBuilder(text.length() + 32);
        String firstPatient = null;
        boolean patientSeen = false;
        Delimiters delimiters = Delimiters.DEFAULT;
        int i = 0;
        int last = 0;
        while (i < segments.size()) {
            // A message runs from its MSH (or a batch header) to the next MSH.
            int end = i + 1;
            while (end < segments.size() && !startsWith(text, segments.get(end)[0], segments.get(end)[1], "MSH")) {
                end++;
            }
            int[] first = segments.get(i);
            if (isHeader(text, first[0], first[1])) {
                delimiters = Delimiters.of(text, first[0], first[1]);
            }
            String patient = patientId(text, segments, i, end, delimiters);
            if (!patientSeen && patient != null) {
                firstPatient = patient;
                patientSeen = true;
            }
            IdentitySweep.People people = failClosed
                    ? IdentitySweep.collect(text, segments, i, end, delimiters, rules) : IdentitySweep.People.NONE;
            for (int s = i; s < end; s++) {
                int[] seg = segments.get(s);
                out.append(text, last, seg[0]);
                if (isHeader(text, seg[0], seg[1])) {
                    delimiters = Delimiters.of(text, seg[0], seg[1]);
                }
                int mark = out.length();
                maskSegment(text, seg[0], seg[1], delimiters, patient, out);
                if (!people.isEmpty() && IdentitySweep.swept(text, seg[0], seg[1])) {
                    IdentitySweep.scrub(out, mark, people);
                }
                last = seg[1];
            }
            i = end;
        }
        out.append(text, last, text.length());
        return new Result(out.toString(), firstPatient);
    }

    /** [start, end) of each segment, terminators (CR, LF, CRLF) excluded. */
    private static List<int[]> split(String text) {
        List<int[]> segments = new ArrayList<>(16);
        int n = text.length();
        int start = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || text.charAt(i) == '\r' || text.charAt(i) == '\n') {
                if (i > start) {
                    segments.add(new int[] {start, i});
                }
                start = i + 1;
            }
        }
        return segments;
    }

    private static boolean startsWith(String text, int start, int end, String name) {
        return end - start >= 4 && text.startsWith(name, start);
    }

    private static boolean isHeader(String text, int start, int end) {
        return end - start >= 8 && (text.startsWith("MSH", start) || text.startsWith("FHS", start)
                || text.startsWith("BHS", start));
    }

    /** PID-3.1 of the first repetition in the message's first PID, unescaped; null when none. */
    private String patientId(String text, List<int[]> segments, int from, int to, Delimiters d) {
        for (int s = from; s < to; s++) {
            int[] seg = segments.get(s);
            if (seg[1] - seg[0] > 4 && text.startsWith("PID", seg[0]) && text.charAt(seg[0] + 3) == d.field) {
                String field = nth(text, seg[0] + 4, seg[1], d.field, 3);
                String rep = nth(field, 0, field.length(), d.repetition, 1);
                String comp = nth(rep, 0, rep.length(), d.component, 1);
                String sub = nth(comp, 0, comp.length(), d.subcomponent, 1);
                String id = d.unescape(sub).trim();
                return id.isEmpty() ? null : id;
            }
        }
        return null;
    }

    /** The n-th (1-based) part of text[start, end) split on {@code sep}; empty when absent. */
    private static String nth(String text, int start, int end, char sep, int n) {
        int from = start;
        for (int k = 1; k < n; k++) {
            int next = text.indexOf(sep, from);
            if (next < 0 || next >= end) {
                return "";
            }
            from = next + 1;
        }
        int stop = text.indexOf(sep, from);
        if (stop < 0 || stop > end) {
            stop = end;
        }
        return text.substring(from, stop);
    }

    private void maskSegment(String text, int start, int end, Delimiters d, String patient, StringBuilder out) {
        if (end - start < 4 || text.charAt(start + 3) != d.field) {
            if (!failClosed || isSegmentName(text, start, end)) {
                out.append(text, start, end);
            }
            return; // not a segment: no rule can find its parts, so under a profile none of it is passed on
        }
        if (failClosed && !isSegmentName(text, start, start + 3)) {
            return;
        }
        String name = text.substring(start, start + 3);
        FieldRules[] fieldRules = rules.segment(name);
        boolean obx = name.equals("OBX") && rules.hasObxValueRules();
        if (fieldRules == null && !obx) {
            out.append(text, start, end);
            return;
        }
        // field k spans [starts[k], starts[k + 1] - 1); only the fields that have rules are copied out.
        int[] starts = fieldStarts(text, start, end, d.field);
        int count = starts.length - 1;
        // SEG-k is field k for ordinary segments; MSH-1 is the separator itself, so MSH-k is field k-1.
        int offset = RulePath.isHeader(name) ? 1 : 0;
        String[] masked = null;
        if (fieldRules != null) {
            for (int f = 1; f < fieldRules.length; f++) {
                FieldRules fr = fieldRules[f];
                int index = f - offset;
                if (fr == null || index < 1 || index >= count || (obx && f == 5)) {
                    continue; // OBX-5 is decided below, with the value type
                }
                String field = field(text, starts, index);
                String result = maskField(field, fr, d, patient);
                if (!result.equals(field)) {
                    masked = masked == null ? new String[count] : masked;
                    masked[index] = result;
                }
            }
        }
        if (obx && count > 5) {
            String type = field(text, starts, 2).trim().toUpperCase(Locale.ROOT);
            String value = field(text, starts, 5);
            FieldRules fr = fieldRules != null && fieldRules.length > 5 && fieldRules[5] != null ? fieldRules[5]
                    : rules.obx5For(type, d.unescape(nth(text, starts[3], starts[4] - 1, d.component, 1)).trim());
            if (rules.isAgeObservation(fr)) {
                String[] age = maskAgeObservation(type, value, d);
                if (age != null) {
                    masked = masked == null ? new String[count] : masked;
                    masked[2] = age[0];
                    masked[5] = age[1];
                }
            } else if (fr != null) {
                String result = maskField(value, fr, d, patient);
                if (!result.equals(value)) {
                    masked = masked == null ? new String[count] : masked;
                    masked[5] = result;
                }
            }
        }
        if (masked == null) {
            out.append(text, start, end);
            return;
        }
        for (int k = 0; k < count; k++) {
            if (k > 0) {
                out.append(d.field);
            }
            if (masked[k] != null) {
                out.append(masked[k]);
            } else {
                out.append(text, starts[k], starts[k + 1] - 1);
            }
        }
    }

    /** A bare segment name (3 characters, [A-Z][A-Z0-9]{2}) with no fields. */
    private static boolean isSegmentName(String text, int start, int end) {
        if (end - start != 3) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(i > start && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /** Start offsets of the fields of text[start, end), plus end + 1 as the last entry. */
    static int[] fieldStarts(String text, int start, int end, char sep) {
        int[] starts = new int[32];
        int n = 0;
        starts[n++] = start;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == sep) {
                if (n == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        if (n == starts.length) {
            starts = java.util.Arrays.copyOf(starts, n + 1);
        }
        starts[n++] = end + 1;
        return java.util.Arrays.copyOf(starts, n);
    }

    static String field(String text, int[] starts, int k) {
        return text.substring(starts[k], starts[k + 1] - 1);
    }

    /**
     * An age observation over 89 becomes 90 or more in a form its value type allows: SN {@code >=^90} (an NM
     * value becomes SN, as NM cannot say "or more"), else the text {@code 90+}.
     */
    private static String[] maskAgeObservation(String type, String value, Delimiters d) {
        String number = type.equals("SN") ? nth(value, 0, value.length(), d.component, 2) : value;
        int digits = 0;
        String trimmed = number.trim();
        while (digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits))) {
            digits++;
        }
        if (digits == 0 || Integer.parseInt(trimmed.substring(0, Math.min(digits, 6))) <= 89) {
            return null;
        }
        if (type.equals("NM") || type.equals("SN")) {
            return new String[] {"SN", ">=" + d.component + "90"};
        }
        return new String[] {type, "90+"};
    }

    static List<String> splitAll(String text, int start, int end, char sep) {
        List<String> parts = new ArrayList<>(32);
        int from = start;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == sep) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from, end));
        return parts;
    }

    private static boolean isEmptyValue(String value) {
        return value.isEmpty() || value.equals("\"\"");
    }

    private String maskField(String field, FieldRules fr, Delimiters d, String patient) {
        if (isEmptyValue(field)) {
            return field;
        }
        if (field.indexOf(d.repetition) < 0) {
            return maskRepetition(field, fr, d, patient);
        }
        List<String> reps = splitAll(field, 0, field.length(), d.repetition);
        StringBuilder out = new StringBuilder(field.length());
        boolean any = false;
        for (int r = 0; r < reps.size(); r++) {
            String masked = maskRepetition(reps.get(r), fr, d, patient);
            any |= !masked.isEmpty();
            if (r > 0) {
                out.append(d.repetition);
            }
            out.append(masked);
        }
        return any ? out.toString() : "";
    }

    private String maskRepetition(String rep, FieldRules fr, Delimiters d, String patient) {
        if (fr.components == null) {
            return apply(fr.rule, rep, d, patient);
        }
        List<String> comps = splitAll(rep, 0, rep.length(), d.component);
        if (failClosed && isAddress(fr) && outOfPlace(comps, d)) {
            // masked whole, but a valid state code
            String state = comps.size() > 3 ? d.unescape(comps.get(3)).trim() : "";
            return AddressCodes.state(state) ? String.valueOf(d.component).repeat(3) + d.escape(state) : "";
        }
        for (int c = 0; c < comps.size(); c++) {
            int number = c + 1;
            ComponentRules cr = number < fr.components.length ? fr.components[number] : null;
            String text = comps.get(c);
            comps.set(c, cr == null ? apply(fr.rule, text, d, patient) : maskComponent(text, cr, fr.rule, d, patient));
        }
        return trimTrailing(String.join(String.valueOf(d.component), comps), d.component);
    }

    /** The profiles' address rule (PhiElements.address): redacted, state and country kept, ZIP to zip3. */
    private static boolean isAddress(FieldRules fr) {
        return fr.rule != null && fr.rule.method() == MaskMethod.REDACT && fr.components.length > 5
                && method(fr.components[4]) == MaskMethod.KEEP && method(fr.components[5]) == MaskMethod.ZIP3;
    }

    private static MaskMethod method(ComponentRules cr) {
        return cr == null || cr.rule == null || cr.subs != null ? null : cr.rule.method();
    }

    /** Whether a part the address rule keeps holds something else than its code, or the ZIP is no ZIP. */
    private boolean outOfPlace(List<String> comps, Delimiters d) {
        String state = comps.size() > 3 ? d.unescape(comps.get(3)) : "";
        String zip = comps.size() > 4 ? d.unescape(comps.get(4)) : "";
        String country = comps.size() > 5 ? d.unescape(comps.get(5)) : "";
        String type = comps.size() > 6 ? d.unescape(comps.get(6)) : "";
        return (!isEmptyValue(state) && !AddressCodes.state(state))
                || (!isEmptyValue(zip) && fn.zip3(zip) == null)
                || (!isEmptyValue(country) && !AddressCodes.country(country))
                || (!isEmptyValue(type) && !AddressCodes.type(type));
    }

    private String maskComponent(String comp, ComponentRules cr, MaskRule inherited, Delimiters d, String patient) {
        MaskRule own = cr.rule != null ? cr.rule : inherited;
        if (cr.subs == null) {
            return apply(own, comp, d, patient);
        }
        List<String> subs = splitAll(comp, 0, comp.length(), d.subcomponent);
        for (int s = 0; s < subs.size(); s++) {
            int number = s + 1;
            MaskRule rule = number < cr.subs.length && cr.subs[number] != null ? cr.subs[number] : own;
            subs.set(s, apply(rule, subs.get(s), d, patient));
        }
        return trimTrailing(String.join(String.valueOf(d.subcomponent), subs), d.subcomponent);
    }

    private static String trimTrailing(String text, char sep) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == sep) {
            end--;
        }
        return end == text.length() ? text : text.substring(0, end);
    }

    /** One rule on one element's text (a repetition, component or subcomponent). */
    private String apply(MaskRule rule, String text, Delimiters d, String patient) {
        if (rule == null || rule.method() == MaskMethod.KEEP || isEmptyValue(text)) {
            return text;
        }
        switch (rule.method()) {
            case REDACT:
                return "";
            case REPLACE:
                return d.escape(fn.replaceText(rule));
            case HASH: {
                String value = d.unescape(trimTrailing(trimTrailing(text, d.component), d.subcomponent));
                return fn.hash(value);
            }
            case KEEP_LAST: {
                // of a composite, the first component (the number of an XTN, the ID of a CX); the rest goes
                String first = nth(text, 0, text.length(), d.component, 1);
                String value = d.unescape(nth(first, 0, first.length(), d.subcomponent, 1));
                return value.isEmpty() ? "" : d.escape(MaskFunctions.keepLast(value, rule.count()));
            }
            default:
                return applyToLeaves(rule, text, d, patient);
        }
    }

    /** Date and ZIP methods read each leaf (component/subcomponent); a leaf they cannot read is removed. */
    private String applyToLeaves(MaskRule rule, String text, Delimiters d, String patient) {
        if (text.indexOf(d.component) < 0 && text.indexOf(d.subcomponent) < 0) {
            String masked = fn.apply(rule, d.unescape(text), patient);
            return masked == null ? "" : d.escape(masked);
        }
        List<String> comps = splitAll(text, 0, text.length(), d.component);
        for (int c = 0; c < comps.size(); c++) {
            List<String> subs = splitAll(comps.get(c), 0, comps.get(c).length(), d.subcomponent);
            for (int s = 0; s < subs.size(); s++) {
                String leaf = subs.get(s);
                if (!isEmptyValue(leaf)) {
                    String masked = fn.apply(rule, d.unescape(leaf), patient);
                    subs.set(s, masked == null ? "" : d.escape(masked));
                }
            }
            comps.set(c, trimTrailing(String.join(String.valueOf(d.subcomponent), subs), d.subcomponent));
        }
        return trimTrailing(String.join(String.valueOf(d.component), comps), d.component);
    }

    /** The delimiters a message declares in MSH-1 and MSH-2 (defaults {@code |^~\&}). */
    static final class Delimiters {
        static final Delimiters DEFAULT = new Delimiters('|', '^', '~', '\\', '&', (char) 0);

        final char field;
        final char component;
        final char repetition;
        final char escape;
        final char subcomponent;
        /** v2.7+ truncation character, 0 when not declared. */
        final char truncation;

        Delimiters(char field, char component, char repetition, char escape, char subcomponent, char truncation) {
            this.field = field;
            this.component = component;
            this.repetition = repetition;
            this.escape = escape;
            this.subcomponent = subcomponent;
            this.truncation = truncation;
        }

        static Delimiters of(String text, int start, int end) {
            char field = text.charAt(start + 3);
            int encEnd = text.indexOf(field, start + 4);
            if (encEnd < 0 || encEnd > end) {
                encEnd = end;
            }
            String enc = text.substring(start + 4, encEnd);
            return new Delimiters(field, at(enc, 0, '^'), at(enc, 1, '~'), at(enc, 2, '\\'), at(enc, 3, '&'),
                    enc.length() > 4 ? enc.charAt(4) : (char) 0);
        }

        private static char at(String enc, int i, char fallback) {
            return enc.length() > i ? enc.charAt(i) : fallback;
        }

        String unescape(String text) {
            if (text.indexOf(escape) < 0) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length());
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                int close = c == escape ? text.indexOf(escape, i + 1) : -1;
                if (close < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                String seq = text.substring(i + 1, close);
                switch (seq) {
                    case "F" -> out.append(field);
                    case "S" -> out.append(component);
                    case "T" -> out.append(subcomponent);
                    case "R" -> out.append(repetition);
                    case "E" -> out.append(escape);
                    case "P" -> out.append(truncation != 0 ? truncation : '#');
                    default -> out.append(text, i, close + 1); // formatting and hex escapes stay as written
                }
                i = close + 1;
            }
            return out.toString();
        }

        String escape(String text) {
            StringBuilder out = null;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                String seq = null;
                if (c == escape) {
                    seq = "E";
                } else if (c == field) {
                    seq = "F";
                } else if (c == component) {
                    seq = "S";
                } else if (c == subcomponent) {
                    seq = "T";
                } else if (c == repetition) {
                    seq = "R";
                } else if (truncation != 0 && c == truncation) {
                    seq = "P";
                } else if (c == '\r') {
                    seq = "X0D";
                } else if (c == '\n') {
                    seq = "X0A";
                }
                if (seq != null && out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                if (out != null) {
                    if (seq != null) {
                        out.append(escape).append(seq).append(escape);
                    } else {
                        out.append(c);
                    }
                }
            }
            return out == null ? text : out.toString();
        }
    }
}
