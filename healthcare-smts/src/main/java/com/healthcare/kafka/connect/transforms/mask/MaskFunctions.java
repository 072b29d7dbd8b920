package com.healthcare.kafka.connect.transforms.mask;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The masking methods applied to one text value. Every method returns the masked text, or null when the value
 * must be removed (redact, or a value a method cannot interpret: masking fails closed, it never passes an
 * unrecognised value through). Empty values stay as they are.
 */
public final class MaskFunctions {

    /** The HHS list of 3-digit ZIP areas of 20,000 people or fewer (2000 Census), which become 000. */
    public static final Set<String> RESTRICTED_ZIP3 = Set.of("036", "059", "063", "102", "203", "556", "692",
            "790", "821", "823", "830", "831", "878", "879", "884", "890", "893");

    /** Marks a pseudonym as one, and keeps it valid as a FHIR id and free of HL7 delimiters. */
    public static final String HASH_PREFIX = "hmac-";

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final byte[] DATESHIFT_DOMAIN = "dateshift\u0000".getBytes(StandardCharsets.US_ASCII);

    private final Mac mac;
    private final String replacement;
    private final Set<String> restrictedZip3;
    private final int maxShiftDays;
    private final Clock clock;

    /**
     * @param hashKey the HMAC key, or null when no rule needs one (then hash and dateshift fail: the config
     *                validation prevents that)
     */
    public MaskFunctions(byte[] hashKey, String replacement, Set<String> restrictedZip3, int maxShiftDays,
                         Clock clock) {
        this.replacement = replacement;
        this.restrictedZip3 = Set.copyOf(restrictedZip3);
        this.maxShiftDays = maxShiftDays;
        this.clock = clock;
        if (hashKey != null && hashKey.length > 0) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
            }
        } else {
            mac = null;
        }
    }

    public String replacement() {
        return replacement;
    }

    /**
     * Applies {@code rule} to a text value.
     *
     * @param patientId the patient whose dates {@code dateshift} shifts together (may be null: shared offset)
     */
    public String apply(MaskRule rule, String value, String patientId) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return switch (rule.method()) {
            case REDACT -> null;
            case KEEP -> value;
            case REPLACE -> replaceText(rule);
            case HASH -> hash(value);
            case KEEP_LAST -> keepLast(value, rule.count());
            case YEAR -> year(value);
            case AGE90 -> age90(value);
            case DATESHIFT -> dateshift(value, patientId);
            case ZIP3 -> zip3(value);
        };
    }

    public String replaceText(MaskRule rule) {
        return rule.argument() != null ? rule.argument() : replacement;
    }

    /** {@code hmac-} and 26 base32 characters: the first 128 bits of HMAC-SHA256(hash.key, trimmed value). */
    public String hash(String value) {
        byte[] digest = hmac(null, value.trim().getBytes(StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder(HASH_PREFIX.length() + 26).append(HASH_PREFIX);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < 16; i++) {
            buffer = (buffer << 8) | (digest[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    private byte[] hmac(byte[] domain, byte[] data) {
        if (mac == null) {
            throw new IllegalStateException("hash.key is not set");
        }
        synchronized (mac) {
            if (domain != null) {
                mac.update(domain);
            }
            return mac.doFinal(data);
        }
    }

    /** The last {@code n} characters behind {@code ***}; a value of {@code n} characters or fewer is all hidden. */
    public static String keepLast(String value, int n) {
        if (value.length() <= n) {
            return "***";
        }
        return "***" + value.substring(value.length() - n);
    }

    /** The year of a date, or null when the text is not a date. */
    public static String year(String value) {
        DateText date = DateText.parse(value);
        return date == null ? null : date.yearText();
    }

    /**
     * An age over 89 becomes {@code 90+}; a date becomes its year, or null when that year implies an age over 89
     * today. Other text is removed: an age is 1 to 3 digits and at most a unit of years ({@code 45}, {@code 45 y},
     * {@code 45 years}), so a date the parser does not know ({@code 19-Jan-1970}, {@code 3 Feb 1961}) is never
     * taken for an age and passed on.
     */
    public String age90(String value) {
        DateText date = DateText.parse(value);
        if (date != null) {
            return impliesAgeOver89(date.year()) ? null : date.yearText();
        }
        String trimmed = value.trim();
        int digits = 0;
        while (digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits))) {
            digits++;
        }
        if (digits == 0 || digits > 3 || !isYearUnit(trimmed.substring(digits).trim())) {
            return null;
        }
        int age = Integer.parseInt(trimmed.substring(0, digits));
        return age > 89 ? "90+" : trimmed;
    }

    private static final Set<String> YEAR_UNITS = Set.of("", "y", "yr", "yrs", "year", "years", "a");

    private static boolean isYearUnit(String unit) {
        return unit.length() <= 5 && YEAR_UNITS.contains(unit.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether someone born in {@code year} may be over 89 now (conservative: only the year is known). */
    public boolean impliesAgeOver89(int year) {
        return currentYear() - year > 89;
    }

    public int currentYear() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).getYear();
    }

    public Clock clock() {
        return clock;
    }

    /** The date shifted by the patient's offset, same form and precision; null when not a date. */
    public String dateshift(String value, String patientId) {
        DateText date = DateText.parse(value);
        return date == null ? null : date.shift(shiftDays(patientId));
    }

    /**
     * The patient's offset in days, in [-max, -1] or [1, max]: derived from HMAC(hash.key, patient id), so every
     * date of one patient moves together and nobody without the key can undo it.
     */
    public int shiftDays(String patientId) {
        byte[] digest = hmac(DATESHIFT_DOMAIN, (patientId == null ? "" : patientId.trim())
                .getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        int slot = (int) Long.remainderUnsigned(bits, 2L * maxShiftDays);
        return slot < maxShiftDays ? slot - maxShiftDays : slot - maxShiftDays + 1;
    }

    /**
     * A US ZIP code (5 digits, ZIP+4 or 9 digits) reduced to its first 3 digits, or {@code 000} in a restricted
     * area; null when the text is not a US ZIP code.
     */
    public String zip3(String value) {
        String t = value.trim();
        int n = t.length();
        boolean zip = (n == 5 || n == 9 || (n == 10 && t.charAt(5) == '-'));
        for (int i = 0; zip && i < n; i++) {
            zip = Character.isDigit(t.charAt(i)) || (i == 5 && n == 10);
        }
        if (!zip) {
            return null;
        }
        return zip3Digits(t.substring(0, 3));
    }

    /** The ZIP3 for 3 leading digits: themselves, or 000 for a restricted area. */
    public String zip3Digits(String first3) {
        return restrictedZip3.contains(first3) ? "000" : first3;
    }
}
