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

    private static final Pattern HL7 = Pattern.compile(
            "(\\d{4})(?:(\\d{2})(?:(\\d{2})((?:\\d{2}(?:\\d{2}(?:\\d{2}(?:\\.\\d{1,4})?)?)?)?(?:[+-]\\d{4})?))?)?");
    private static final Pattern ISO = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})([T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?)?)?");
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
        if (s.length() < 4 || s.length() > 40) {
            return null;
        }
        Matcher m;
        DateText result = null;
        if (s.indexOf('-', 1) == 4 || (s.length() == 4 && s.indexOf('/') < 0)) {
            m = ISO.matcher(s);
            if (m.matches()) {
                result = new DateText(Form.ISO, Integer.parseInt(m.group(1)), num(m.group(2)), num(m.group(3)),
                        m.group(4));
            }
        }
        if (result == null && s.indexOf('/') > 0) {
            m = US.matcher(s);
            if (m.matches()) {
                result = new DateText(Form.US, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(2)), null);
            }
        }
        if (result == null) {
            m = HL7.matcher(s);
            if (m.matches()) {
                result = new DateText(Form.HL7, Integer.parseInt(m.group(1)), num(m.group(2)), num(m.group(3)),
                        m.group(4));
            }
        }
        return result != null && result.valid() ? result : null;
    }

    private static int num(String group) {
        return group == null ? 0 : Integer.parseInt(group);
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
