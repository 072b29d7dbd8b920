package com.healthcare.kafka.connect.transforms.hl7tofhir.v2;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * An HL7 v2 DTM/TS/DT value {@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]} and its FHIR R4 renderings.
 * FHIR needs seconds and an offset as soon as a dateTime carries a time: hour and minute precision are
 * zero-filled, and a value without an offset takes the configured default zone (with that zone's offset on
 * that date, so daylight saving time is right).
 */
public final class V2Time {

    /** Number of digits given: 4 year, 6 month, 8 day, 10 hour, 12 minute, 14 second. */
    private final int precision;
    private final int year;
    private final int month;
    private final int day;
    private final int hour;
    private final int minute;
    private final int second;
    private final String fraction;
    private final ZoneOffset offset;

    private V2Time(int precision, int year, int month, int day, int hour, int minute, int second, String fraction,
                   ZoneOffset offset) {
        this.precision = precision;
        this.year = year;
        this.month = month;
        this.day = day;
        this.hour = hour;
        this.minute = minute;
        this.second = second;
        this.fraction = fraction;
        this.offset = offset;
    }

    /** @throws IllegalArgumentException when the text is not a valid v2 timestamp */
    public static V2Time parse(String text) {
        String s = text.strip();
        int tz = Math.max(s.indexOf('+'), s.indexOf('-'));
        ZoneOffset offset = null;
        if (tz >= 0) {
            offset = parseOffset(s.substring(tz));
            s = s.substring(0, tz);
        }
        String fraction = null;
        int dot = s.indexOf('.');
        if (dot >= 0) {
            fraction = s.substring(dot + 1);
            s = s.substring(0, dot);
            if (fraction.isEmpty() || fraction.length() > 4 || !digits(fraction) || s.length() != 14) {
                throw new IllegalArgumentException("fractional seconds need full precision and 1-4 digits");
            }
        }
        int len = s.length();
        if (!digits(s) || (len != 4 && len != 6 && len != 8 && len != 10 && len != 12 && len != 14)) {
            throw new IllegalArgumentException("not a v2 timestamp");
        }
        int year = num(s, 0, 4);
        int month = len >= 6 ? num(s, 4, 6) : 0;
        int day = len >= 8 ? num(s, 6, 8) : 0;
        int hour = len >= 10 ? num(s, 8, 10) : 0;
        int minute = len >= 12 ? num(s, 10, 12) : 0;
        int second = len >= 14 ? num(s, 12, 14) : 0;
        try {
            LocalDate.of(year, Math.max(month, 1), Math.max(day, 1));
            if (len >= 6 && month == 0 || len >= 8 && day == 0) {
                throw new IllegalArgumentException("month or day is zero");
            }
            if (hour > 23 || minute > 59 || second > 59) {
                throw new IllegalArgumentException("time of day out of range");
            }
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("date out of range", e);
        }
        if (year < 1) {
            throw new IllegalArgumentException("year out of range");
        }
        return new V2Time(len, year, month, day, hour, minute, second, fraction, offset);
    }

    private static ZoneOffset parseOffset(String z) {
        if (z.length() != 5 || !digits(z.substring(1))) {
            throw new IllegalArgumentException("time zone offset must be +/-HHMM");
        }
        int h = num(z, 1, 3);
        int m = num(z, 3, 5);
        if (h > 14 || m > 59) {
            throw new IllegalArgumentException("time zone offset out of range");
        }
        int total = (h * 3600 + m * 60) * (z.charAt(0) == '-' ? -1 : 1);
        return ZoneOffset.ofTotalSeconds(total);
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static int num(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    public boolean hasTime() {
        return precision > 8;
    }

    /** FHIR date: YYYY, YYYY-MM or YYYY-MM-DD (a time part is dropped). */
    public String toDate() {
        StringBuilder b = new StringBuilder(10);
        pad(b, year, 4);
        if (precision >= 6) {
            b.append('-');
            pad(b, month, 2);
        }
        if (precision >= 8) {
            b.append('-');
            pad(b, day, 2);
        }
        return b.toString();
    }

    /** FHIR dateTime: a partial date, or a full date and time with seconds and offset. */
    public String toDateTime(ZoneId defaultZone) {
        if (!hasTime()) {
            return toDate();
        }
        return full(defaultZone);
    }

    /** FHIR instant: always full; a date without a time means its start of day. */
    public String toInstant(ZoneId defaultZone) {
        return full(defaultZone);
    }

    /** FHIR time (hh:mm:ss), for TM values: the date part is ignored. */
    public static String toTime(String tm) {
        String s = tm.strip();
        int tz = Math.max(s.indexOf('+'), s.indexOf('-'));
        if (tz >= 0) {
            s = s.substring(0, tz);
        }
        String fraction = null;
        int dot = s.indexOf('.');
        if (dot >= 0) {
            fraction = s.substring(dot + 1);
            s = s.substring(0, dot);
        }
        int len = s.length();
        if (!digits(s) || (len != 2 && len != 4 && len != 6)
                || (fraction != null && (len != 6 || !digits(fraction) || fraction.length() > 4))) {
            throw new IllegalArgumentException("not a v2 time");
        }
        int h = num(s, 0, 2);
        int m = len >= 4 ? num(s, 2, 4) : 0;
        int sec = len >= 6 ? num(s, 4, 6) : 0;
        if (h > 23 || m > 59 || sec > 59) {
            throw new IllegalArgumentException("time of day out of range");
        }
        StringBuilder b = new StringBuilder(12);
        pad(b, h, 2);
        b.append(':');
        pad(b, m, 2);
        b.append(':');
        pad(b, sec, 2);
        if (fraction != null) {
            b.append('.').append(fraction);
        }
        return b.toString();
    }

    private String full(ZoneId defaultZone) {
        int mo = Math.max(month, 1);
        int d = Math.max(day, 1);
        ZoneOffset off = offset;
        if (off == null) {
            off = defaultZone.getRules().getOffset(LocalDateTime.of(year, mo, d, hour, minute, second));
        }
        StringBuilder b = new StringBuilder(29);
        pad(b, year, 4);
        b.append('-');
        pad(b, mo, 2);
        b.append('-');
        pad(b, d, 2);
        b.append('T');
        pad(b, hour, 2);
        b.append(':');
        pad(b, minute, 2);
        b.append(':');
        pad(b, second, 2);
        if (fraction != null) {
            b.append('.').append(fraction);
        }
        b.append(off.getTotalSeconds() == 0 ? "+00:00" : off.getId());
        return b.toString();
    }

    private static void pad(StringBuilder b, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        b.append(s);
    }
}
