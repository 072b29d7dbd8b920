package com.healthcare.kafka.connect.transforms.mask;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A date or date-time written as text, in one of the forms PHI arrives in: HL7 v2 DT/TS/DTM
 * ({@code YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]}), ISO 8601 / FHIR date, dateTime and instant
 * ({@code YYYY[-MM[-DD[Thh:mm[:ss[.f]]][Z|+hh:mm]]]}, also with a space for the T) and US {@code MM/DD/YYYY}.
 * Reducing to the year or shifting by days keeps the form and, for a shift, the precision and the time part.
 */
final class DateText {

    private enum Form { HL7, ISO, US }

    private static final Pattern ISO_TIME = Pattern.compile(
            "[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern US = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})");

    private final Form form;
    private final int year;
    private final int month;
    private final int day;
    /** The time (and zone) after the date, verbatim; empty when none. */
    private final String rest;

    private DateText(Form form, int year, int month, int day, String rest) {
        this.form = form;
        this.year = year;
        this.month = month;
        this.day = day;
        this.rest = rest == null ? "" : rest;
    }

    /** The date in {@code text}, or null when it is not a date in one of the supported forms. */
    static DateText parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        int n = s.length();
        if (n < 4 || n > 40 || !digits(s, 0, 4)) {
            return s.indexOf('/') > 0 ? us(s) : null;
        }
        int year = Integer.parseInt(s, 0, 4, 10);
        DateText result;
        if (n == 4) {
            result = new DateText(Form.ISO, year, 0, 0, null);
        } else if (s.charAt(4) == '-') {
            result = iso(s, year);
        } else {
            result = hl7(s, year);
        }
        return result != null && result.valid() ? result : null;
    }

    /** Parsed by hand: dates are read for every masked leaf, and a regex per value costs more than the rest. */
    private static DateText iso(String s, int year) {
        int n = s.length();
        if (n < 7 || !digits(s, 5, 7)) {
            return null;
        }
        int month = Integer.parseInt(s, 5, 7, 10);
        if (n == 7) {
            return new DateText(Form.ISO, year, month, 0, null);
        }
        if (n < 10 || s.charAt(7) != '-' || !digits(s, 8, 10)) {
            return null;
        }
        int day = Integer.parseInt(s, 8, 10, 10);
        if (n == 10) {
            return new DateText(Form.ISO, year, month, day, null);
        }
        String rest = s.substring(10);
        return ISO_TIME.matcher(rest).matches() ? new DateText(Form.ISO, year, month, day, rest) : null;
    }

    private static DateText hl7(String s, int year) {
        int n = s.length();
        int digitsEnd = 4;
        while (digitsEnd < n && Character.isDigit(s.charAt(digitsEnd))) {
            digitsEnd++;
        }
        int count = digitsEnd;
        if (count != 6 && count != 8 && count != 10 && count != 12 && count != 14) {
            return null;
        }
        int month = Integer.parseInt(s, 4, 6, 10);
        if (count == 6) {
            return digitsEnd == n ? new DateText(Form.HL7, year, month, 0, null) : null;
        }
        int day = Integer.parseInt(s, 6, 8, 10);
        int i = digitsEnd;
        if (i < n && s.charAt(i) == '.') {
            if (count != 14) {
                return null;
            }
            int fraction = i + 1;
            while (i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
                i++;
            }
            i++;
            if (i - fraction < 1 || i - fraction > 4) {
                return null;
            }
        }
        if (i < n) {
            char sign = s.charAt(i);
            if ((sign != '+' && sign != '-') || n - i != 5 || !digits(s, i + 1, n)) {
                return null;
            }
        }
        return new DateText(Form.HL7, year, month, day, s.substring(8));
    }

    private static DateText us(String s) {
        Matcher m = US.matcher(s);
        return m.matches() ? new DateText(Form.US, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), null) : null;
    }

    private static boolean digits(String s, int from, int to) {
        if (to > s.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private boolean valid() {
        if (month == 0) {
            return day == 0 && rest.isEmpty();
        }
        if (month > 12) {
            return false;
        }
        if (day == 0) {
            return rest.isEmpty();
        }
        try {
            LocalDate.of(year, month, day);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Whether the text is ISO 8601 (dashes), a form plain identifiers do not take. */
    boolean isIso() {
        return form == Form.ISO;
    }

    int year() {
        return year;
    }

    /** Whether the text is more precise than a year (what Safe Harbor removes). */
    boolean finerThanYear() {
        return month != 0;
    }

    /** The year alone, e.g. {@code 1980}. */
    String yearText() {
        return String.format("%04d", year);
    }

    /**
     * The date shifted by {@code days}, in the same form and precision; the time of day and zone are kept. A
     * year-only date carries no day to shift and is returned as it is.
     */
    String shift(int days) {
        if (month == 0) {
            return yearText();
        }
        LocalDate shifted = LocalDate.of(year, month, day == 0 ? 1 : day).plusDays(days);
        int y = shifted.getYear();
        int mo = shifted.getMonthValue();
        int d = shifted.getDayOfMonth();
        return switch (form) {
            case HL7 -> day == 0 ? String.format("%04d%02d", y, mo) : String.format("%04d%02d%02d", y, mo, d) + rest;
            case ISO -> day == 0 ? String.format("%04d-%02d", y, mo)
                    : String.format("%04d-%02d-%02d", y, mo, d) + rest;
            case US -> String.format("%02d/%02d/%04d", mo, d, y);
        };
    }
}
