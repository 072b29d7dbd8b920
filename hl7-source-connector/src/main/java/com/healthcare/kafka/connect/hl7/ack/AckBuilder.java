package com.healthcare.kafka.connect.hl7.ack;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.healthcare.kafka.connect.hl7.parse.ErrorClass;
import com.healthcare.kafka.connect.hl7.parse.Hl7Message;
import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.hl7v2.Hl7Escapes;

/**
 * Builds ACK messages (MSH, MSA and, from v2.5, ERR) in the delimiters, version and MSH-18 of the message they
 * answer. MSA-3 (text message) is written up to v2.6, where it exists; from v2.5 the reason also goes to ERR-8
 * with an HL7 table 0357 code in ERR-3. Thread-safe.
 */
public final class AckBuilder {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ");
    /** MSA-3 is an 80-character ST field. */
    private static final int MSA3_MAX = 80;

    private final String fallbackVersion;
    private final String idPrefix;
    private final AtomicLong counter = new AtomicLong();
    private volatile CachedTime lastTime = new CachedTime(-1, "");

    /**
     * @param fallbackVersion version of an ACK answering a message whose version is unknown
     * @param idPrefix        prefix making this builder's ACK control ids (MSH-10) unique, at most 8 characters
     */
    public AckBuilder(String fallbackVersion, String idPrefix) {
        this.fallbackVersion = fallbackVersion == null ? "2.5" : fallbackVersion;
        this.idPrefix = idPrefix;
    }

    /**
     * An ACK for {@code original} (null when no MSH could be read: then default delimiters, empty MSA-2).
     *
     * @param code  MSA-1
     * @param text  acknowledgement text (may be empty)
     * @param error the failure class for ERR, or null on success
     */
    public String build(Hl7Message original, String code, String text, ErrorClass error) {
        return build(original, code, text, error, "\r");
    }

    private String build(Hl7Message original, String code, String text, ErrorClass error, String terminator) {
        Hl7Delimiters sep = original == null ? Hl7Delimiters.STANDARD : original.separators();
        String version = original == null || original.version() == null ? fallbackVersion : original.version();
        char f = sep.field();
        char c = sep.component();
        StringBuilder ack = new StringBuilder(256);
        ack.append("MSH").append(f).append(sep.encodingCharacters());
        if (original != null) {
            // Sender and receiver swap: our MSH-3/4 are the original MSH-5/6 and vice versa, as written.
            ack.append(f).append(original.mshField(5)).append(f).append(original.mshField(6))
                    .append(f).append(original.mshField(3)).append(f).append(original.mshField(4));
        } else {
            ack.append(f).append(f).append(f).append(f);
        }
        ack.append(f).append(now()).append(f);
        ack.append(f).append("ACK");
        String event = original == null ? null : original.triggerEvent();
        if (atLeast(version, 2, 3, 1)) {
            ack.append(c).append(event == null ? "" : Hl7Escapes.escape(event, sep)).append(c).append("ACK");
        } else if (event != null) {
            ack.append(c).append(Hl7Escapes.escape(event, sep));
        }
        ack.append(f).append(nextControlId());
        String processingId = original == null ? null : original.mshField(11);
        ack.append(f).append(processingId == null || processingId.isEmpty() ? "P" : processingId);
        ack.append(f).append(Hl7Escapes.escape(version, sep));
        String charsetField = original == null ? "" : original.mshField(18);
        if (!charsetField.isEmpty()) {
            ack.append(f).append(f).append(f).append(f).append(f).append(f).append(charsetField);
        }
        ack.append(terminator);

        ack.append("MSA").append(f).append(code).append(f);
        if (original != null) {
            ack.append(original.mshField(10));
        }
        boolean msa3 = !atLeast(version, 2, 7, 0);
        if (msa3 && text != null && !text.isEmpty()) {
            String escaped = Hl7Escapes.escape(text.length() > MSA3_MAX ? text.substring(0, MSA3_MAX) : text, sep);
            ack.append(f).append(escaped);
        }
        ack.append(terminator);

        if (error != null && atLeast(version, 2, 5, 0)) {
            ack.append("ERR").append(f).append(f);
            ack.append(f).append(error.hl7Code()).append(c).append(Hl7Escapes.escape(error.hl7Text(), sep))
                    .append(c).append("HL70357");
            ack.append(f).append('E');
            // ERR-5 to ERR-7 empty; ERR-8 user message.
            ack.append(f).append(f).append(f);
            ack.append(f).append(Hl7Escapes.escape(text == null ? "" : text, sep));
            ack.append(terminator);
        }
        return ack.toString();
    }

    /**
     * A response batch: FHS/BHS answering the given headers (either may be null), the ACKs, and BTS/FTS with
     * the counts.
     */
    public String batch(String fileHeader, String batchHeader, Hl7Delimiters sep, List<String> acks) {
        StringBuilder out = new StringBuilder(256 + acks.size() * 200);
        if (fileHeader != null) {
            out.append(responseHeader(fileHeader, sep)).append('\r');
        }
        if (batchHeader != null || fileHeader == null) {
            out.append(responseHeader(batchHeader != null ? batchHeader : "BHS" + sep.field()
                    + sep.encodingCharacters(), sep)).append('\r');
        }
        for (String ack : acks) {
            out.append(ack);
        }
        if (batchHeader != null || fileHeader == null) {
            out.append("BTS").append(sep.field()).append(acks.size()).append('\r');
        }
        if (fileHeader != null) {
            out.append("FTS").append(sep.field()).append(1).append('\r');
        }
        return out.toString();
    }

    /** FHS/BHS answering {@code header}: sender and receiver swapped, a new control id, the original as reference. */
    private String responseHeader(String header, Hl7Delimiters sep) {
        char f = sep.field();
        String id = header.substring(0, 3);
        String[] fields = fieldsOf(header, f);
        StringBuilder out = new StringBuilder(128);
        out.append(id).append(f).append(sep.encodingCharacters());
        out.append(f).append(field(fields, 5)).append(f).append(field(fields, 6))
                .append(f).append(field(fields, 3)).append(f).append(field(fields, 4));
        out.append(f).append(now());
        // Fields 8 to 10 empty; 11 our control id; 12 the reference to the answered file or batch.
        out.append(f).append(f).append(f);
        out.append(f).append(nextControlId());
        out.append(f).append(field(fields, 11));
        return out.toString();
    }

    /** Fields of a header segment where index n is field n (FHS-1 is the separator itself). */
    private static String[] fieldsOf(String segment, char f) {
        String[] parts = segment.split(java.util.regex.Pattern.quote(String.valueOf(f)), -1);
        String[] fields = new String[parts.length + 1];
        fields[1] = String.valueOf(f);
        for (int i = 1; i < parts.length; i++) {
            fields[i + 1] = parts[i];
        }
        return fields;
    }

    private static String field(String[] fields, int n) {
        return n < fields.length && fields[n] != null ? fields[n] : "";
    }

    /** The current time in MSH-7 form, formatted once per millisecond (many ACKs share one). */
    private String now() {
        long millis = System.currentTimeMillis();
        CachedTime cached = lastTime;
        if (cached.millis != millis) {
            cached = new CachedTime(millis, ZonedDateTime.now().format(TIMESTAMP));
            lastTime = cached;
        }
        return cached.text;
    }

    private static final class CachedTime {
        final long millis;
        final String text;

        CachedTime(long millis, String text) {
            this.millis = millis;
            this.text = text;
        }
    }

    private String nextControlId() {
        return idPrefix + Long.toString(counter.incrementAndGet(), 36);
    }

    /** Whether {@code version} (e.g. 2.5.1) is at least major.minor.patch; unknown versions count as recent. */
    static boolean atLeast(String version, int major, int minor, int patch) {
        int[] v = parseVersion(version);
        if (v == null) {
            return true;
        }
        if (v[0] != major) {
            return v[0] > major;
        }
        if (v[1] != minor) {
            return v[1] > minor;
        }
        return v[2] >= patch;
    }

    /** major, minor, patch of "2.5.1"; null when not a dotted number. Hand-parsed: this runs for every ACK. */
    private static int[] parseVersion(String version) {
        if (version == null) {
            return null;
        }
        int[] v = new int[3];
        int part = 0;
        boolean digits = false;
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c >= '0' && c <= '9') {
                if (part < 3) {
                    v[part] = v[part] * 10 + (c - '0');
                }
                digits = true;
            } else if (c == '.' && digits) {
                part++;
                digits = false;
            } else if (c != ' ') {
                return null;
            }
        }
        return digits ? v : null;
    }
}
