package com.healthcare.kafka.connect.hl7.record;

import java.time.Instant;
import java.util.Date;
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

/** Builds the message records and the error-topic records of a task. */
public final class RecordFactory {

    private final KeySource keySource;
    private final OutputFormat outputFormat;
    private final String errorTopic;
    private final String defaultVersion;

    public RecordFactory(KeySource keySource, OutputFormat outputFormat, String errorTopic, String defaultVersion) {
        this.keySource = keySource;
        this.outputFormat = outputFormat;
        this.errorTopic = errorTopic;
        this.defaultVersion = defaultVersion;
    }

    /** The record of an accepted message. */
    public TrackedRecord messageRecord(Part part, String topic, Map<String, ?> sourcePartition,
                                       Map<String, ?> sourceOffset, String validationFindings) {
        Hl7Message message = part.message();
        long receivedAt = part.frame().receivedAtMillis();
        String remote = part.frame().owner().remoteAddress();
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
        String key = key(message);
        // A missing key has no schema: JsonConverter would write a null key WITH a schema as "null" or an envelope.
        return new TrackedRecord(part, sourcePartition, sourceOffset, topic, null,
                key == null ? null : Hl7Schemas.KEY_SCHEMA, key, valueSchema, value, receivedAt, headers);
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

    /** The error-topic record of rejected input: the raw bytes, and why, in headers. */
    public TrackedRecord errorRecord(Part part, byte[] raw, ErrorClass errorClass, String reason, String charset,
                                     Map<String, ?> sourcePartition, Map<String, ?> sourceOffset) {
        Hl7Message message = part.message();
        long receivedAt = part.frame().receivedAtMillis();
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(Hl7Headers.ERROR_REASON, reason);
        headers.addString(Hl7Headers.ERROR_CLASS, errorClass.header());
        headers.addString(Hl7Headers.REMOTE_ADDRESS, part.frame().owner().remoteAddress());
        headers.addString(Hl7Headers.RECEIVED_AT, Instant.ofEpochMilli(receivedAt).toString());
        headers.addString(Hl7Headers.CONTENT_TYPE, Hl7Headers.OCTET_STREAM);
        addIfPresent(headers, Hl7Headers.CHARSET, charset);
        if (message != null) {
            addIfPresent(headers, Hl7Headers.MESSAGE_TYPE, message.messageType());
            addIfPresent(headers, Hl7Headers.TRIGGER_EVENT, message.triggerEvent());
            addIfPresent(headers, Hl7Headers.CONTROL_ID, message.controlId());
            addIfPresent(headers, Hl7Headers.VERSION, message.version());
        }
        // No key and no key schema, so every converter writes a null key (not "null").
        return new TrackedRecord(part, sourcePartition, sourceOffset, errorTopic, null, null,
                null, Schema.OPTIONAL_BYTES_SCHEMA, raw, receivedAt, headers);
    }

    private static void addIfPresent(ConnectHeaders headers, String name, String value) {
        if (value != null && !value.isEmpty()) {
            headers.addString(name, value);
        }
    }
}
