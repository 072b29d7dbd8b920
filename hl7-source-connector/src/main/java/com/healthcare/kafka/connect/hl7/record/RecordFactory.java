package com.healthcare.kafka.connect.hl7.record;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import com.healthcare.kafka.connect.hl7.config.KeySource;
import com.healthcare.kafka.connect.hl7.config.OutputFormat;
import com.healthcare.kafka.connect.hl7.delivery.Part;
import com.healthcare.kafka.connect.hl7.parse.ErrorClass;
import com.healthcare.kafka.connect.hl7.parse.Hl7Message;

/**
 * Builds the message records and the error-topic records of a task, and keeps every record within the producer's
 * request size after conversion (see {@link RecordSize}): an error record carries a bounded prefix of the input,
 * with the input's full length and SHA-256 in headers.
 */
public final class RecordFactory {

    /** Longest value of a header copied from the input (control id, type...) on an error record. */
    static final int ERROR_HEADER_VALUE_CHARS = 256;
    /** Longest error reason in a header. */
    static final int ERROR_REASON_CHARS = 1000;

    private final KeySource keySource;
    private final OutputFormat outputFormat;
    private final String errorTopic;
    private final String defaultVersion;
    private final long maxRecordBytes;
    private final int errorPrefixBytes;

    /**
     * @param maxRecordBytes   the producer's max.request.size: no record may take more after conversion
     * @param errorPrefixBytes how many bytes of rejected input an error record carries at most
     */
    public RecordFactory(KeySource keySource, OutputFormat outputFormat, String errorTopic, String defaultVersion,
                         long maxRecordBytes, int errorPrefixBytes) {
        this.keySource = keySource;
        this.outputFormat = outputFormat;
        this.errorTopic = errorTopic;
        this.defaultVersion = defaultVersion;
        this.maxRecordBytes = maxRecordBytes;
        this.errorPrefixBytes = errorPrefixBytes;
    }

    /** The producer limit records are kept within. */
    public long maxRecordBytes() {
        return maxRecordBytes;
    }

    /** The record of an accepted message. */
    public TrackedRecord messageRecord(Part part, String topic, Map<String, ?> sourcePartition,
                                       Map<String, ?> sourceOffset, String validationFindings) {
        Hl7Message message = part.message();
        long receivedAt = part.frame().receivedAtMillis();
        Built built = build(message, receivedAt, part.frame().owner().remoteAddress(), validationFindings);
        // A missing key has no schema: JsonConverter would write a null key WITH a schema as "null" or an envelope.
        return new TrackedRecord(part, sourcePartition, sourceOffset, topic, null,
                built.key == null ? null : Hl7Schemas.KEY_SCHEMA, built.key, built.valueSchema, built.value,
                receivedAt, built.headers);
    }

    /**
     * An upper bound of the size the record of {@code message} would take after conversion (checked against
     * {@link #maxRecordBytes()} before the message is accepted).
     */
    public long messageRecordBound(Hl7Message message, long receivedAt, String remote, String validationFindings) {
        Built built = build(message, receivedAt, remote, validationFindings);
        return RecordSize.upperBound(built.key, built.value, built.headers);
    }

    /** Key, value and headers of a message record. */
    private record Built(String key, Schema valueSchema, Object value, ConnectHeaders headers) {
    }

    private Built build(Hl7Message message, long receivedAt, String remote, String validationFindings) {
        String version = message.version() != null ? message.version() : defaultVersion;
        Object value;
        Schema valueSchema;
        if (outputFormat == OutputFormat.RAW) {
            value = message.text();
            valueSchema = Schema.STRING_SCHEMA;
        } else {
            Struct struct = new Struct(Hl7Schemas.VALUE_SCHEMA)
                    .put(Hl7Schemas.MESSAGE_TYPE, message.messageType())
                    .put(Hl7Schemas.TRIGGER_EVENT, message.triggerEvent())
                    .put(Hl7Schemas.MESSAGE_STRUCTURE, message.messageStructure())
                    .put(Hl7Schemas.CONTROL_ID, message.controlId())
                    .put(Hl7Schemas.VERSION, version)
                    .put(Hl7Schemas.PROCESSING_ID, message.processingId())
                    .put(Hl7Schemas.SENDING_APPLICATION, message.sendingApplication())
                    .put(Hl7Schemas.SENDING_FACILITY, message.sendingFacility())
                    .put(Hl7Schemas.RECEIVING_APPLICATION, message.receivingApplication())
                    .put(Hl7Schemas.RECEIVING_FACILITY, message.receivingFacility())
                    .put(Hl7Schemas.MESSAGE_TIME, message.messageTime())
                    .put(Hl7Schemas.PATIENT_ID, message.patientId())
                    .put(Hl7Schemas.PATIENT_ID_AUTHORITY, message.patientIdAuthority())
                    .put(Hl7Schemas.RECEIVED_AT, new Date(receivedAt))
                    .put(Hl7Schemas.REMOTE_ADDRESS, remote)
                    .put(Hl7Schemas.RAW, message.text());
            value = struct;
            valueSchema = Hl7Schemas.VALUE_SCHEMA;
        }
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(Hl7Headers.MESSAGE_TYPE, message.messageType());
        addIfPresent(headers, Hl7Headers.TRIGGER_EVENT, message.triggerEvent());
        headers.addString(Hl7Headers.CONTROL_ID, message.controlId());
        addIfPresent(headers, Hl7Headers.VERSION, version);
        headers.addString(Hl7Headers.CONTENT_TYPE, Hl7Headers.HL7_V2_CONTENT_TYPE);
        addIfPresent(headers, Hl7Headers.VALIDATION_ERRORS, validationFindings);
        return new Built(key(message), valueSchema, value, headers);
    }

    private String key(Hl7Message message) {
        switch (keySource) {
            case PATIENT_ID:
                return message.patientId();
            case CONTROL_ID:
                return message.controlId();
            default:
                return null;
        }
    }

    /**
     * The error-topic record of rejected input: a prefix of the raw bytes (at most the configured
     * hl7.error.record.max.bytes, less if the producer limit needs it), their full length and SHA-256, and why, in
     * headers. Values copied from the input into headers are cut to {@value #ERROR_HEADER_VALUE_CHARS} characters.
     */
    public TrackedRecord errorRecord(Part part, byte[] raw, ErrorClass errorClass, String reason, String charset,
                                     Map<String, ?> sourcePartition, Map<String, ?> sourceOffset) {
        Hl7Message message = part.message();
        long receivedAt = part.frame().receivedAtMillis();
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(Hl7Headers.ERROR_REASON, cut(reason, ERROR_REASON_CHARS));
        headers.addString(Hl7Headers.ERROR_CLASS, errorClass.header());
        headers.addString(Hl7Headers.ERROR_LENGTH, Integer.toString(raw.length));
        headers.addString(Hl7Headers.ERROR_SHA256, sha256(raw));
        headers.addString(Hl7Headers.REMOTE_ADDRESS, part.frame().owner().remoteAddress());
        headers.addString(Hl7Headers.RECEIVED_AT, Instant.ofEpochMilli(receivedAt).toString());
        headers.addString(Hl7Headers.CONTENT_TYPE, Hl7Headers.OCTET_STREAM);
        addIfPresent(headers, Hl7Headers.CHARSET, charset);
        if (message != null) {
            addIfPresent(headers, Hl7Headers.MESSAGE_TYPE, cut(message.messageType(), ERROR_HEADER_VALUE_CHARS));
            addIfPresent(headers, Hl7Headers.TRIGGER_EVENT, cut(message.triggerEvent(), ERROR_HEADER_VALUE_CHARS));
            addIfPresent(headers, Hl7Headers.CONTROL_ID, cut(message.controlId(), ERROR_HEADER_VALUE_CHARS));
            addIfPresent(headers, Hl7Headers.VERSION, cut(message.version(), ERROR_HEADER_VALUE_CHARS));
        }
        int room = RecordSize.largestBytesValue(maxRecordBytes, RecordSize.upperBound(null, null, headers));
        int keep = Math.min(raw.length, Math.min(errorPrefixBytes, room));
        byte[] value = keep == raw.length ? raw : Arrays.copyOf(raw, keep);
        // No key and no key schema, so every converter writes a null key (not "null").
        return new TrackedRecord(part, sourcePartition, sourceOffset, errorTopic, null, null,
                null, Schema.OPTIONAL_BYTES_SCHEMA, value, receivedAt, headers);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String cut(String value, int chars) {
        return value == null || value.length() <= chars ? value : value.substring(0, chars);
    }

    private static void addIfPresent(ConnectHeaders headers, String name, String value) {
        if (value != null && !value.isEmpty()) {
            headers.addString(name, value);
        }
    }
}
