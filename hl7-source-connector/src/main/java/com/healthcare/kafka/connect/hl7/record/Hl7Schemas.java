package com.healthcare.kafka.connect.hl7.record;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The record value schema {@code com.healthcare.hl7.Message}. Field names are a contract: the Hl7ToFhir and
 * MaskPhi transforms read them (above all {@code raw}).
 */
public final class Hl7Schemas {

    public static final String VALUE_SCHEMA_NAME = "com.healthcare.hl7.Message";

    public static final String MESSAGE_TYPE = "message_type";
    public static final String TRIGGER_EVENT = "trigger_event";
    public static final String MESSAGE_STRUCTURE = "message_structure";
    public static final String CONTROL_ID = "control_id";
    public static final String VERSION = "version";
    public static final String PROCESSING_ID = "processing_id";
    public static final String SENDING_APPLICATION = "sending_application";
    public static final String SENDING_FACILITY = "sending_facility";
    public static final String RECEIVING_APPLICATION = "receiving_application";
    public static final String RECEIVING_FACILITY = "receiving_facility";
    public static final String MESSAGE_TIME = "message_time";
    public static final String PATIENT_ID = "patient_id";
    public static final String PATIENT_ID_AUTHORITY = "patient_id_authority";
    public static final String RECEIVED_AT = "received_at";
    public static final String REMOTE_ADDRESS = "remote_address";
    public static final String RAW = "raw";

    public static final Schema VALUE_SCHEMA = SchemaBuilder.struct()
            .name(VALUE_SCHEMA_NAME)
            .version(1)
            .doc("An HL7 v2 message received over MLLP: header fields for routing and the raw text")
            .field(MESSAGE_TYPE, doc(Schema.STRING_SCHEMA, "MSH-9.1, e.g. ADT"))
            .field(TRIGGER_EVENT, optional("MSH-9.2, e.g. A01"))
            .field(MESSAGE_STRUCTURE, optional("MSH-9.3, e.g. ADT_A01 (empty before v2.3.1)"))
            .field(CONTROL_ID, doc(Schema.STRING_SCHEMA, "MSH-10 message control id"))
            .field(VERSION, optional("MSH-12.1 (or hl7.version when MSH-12 is empty)"))
            .field(PROCESSING_ID, optional("MSH-11.1, e.g. P"))
            .field(SENDING_APPLICATION, optional("MSH-3 namespace id (universal id if empty)"))
            .field(SENDING_FACILITY, optional("MSH-4 namespace id (universal id if empty)"))
            .field(RECEIVING_APPLICATION, optional("MSH-5 namespace id (universal id if empty)"))
            .field(RECEIVING_FACILITY, optional("MSH-6 namespace id (universal id if empty)"))
            .field(MESSAGE_TIME, optional("MSH-7.1 as sent (HL7 DTM, e.g. 20240101120000+0100)"))
            .field(PATIENT_ID, optional("PID-3.1 of the first repetition"))
            .field(PATIENT_ID_AUTHORITY, optional("PID-3.4 of the first repetition (namespace id)"))
            .field(RECEIVED_AT, SchemaBuilder.type(Timestamp.SCHEMA.type()).name(Timestamp.LOGICAL_NAME)
                    .version(1).doc("When the listener received the message").build())
            .field(REMOTE_ADDRESS, optional("Sender address, host:port"))
            .field(RAW, doc(Schema.STRING_SCHEMA, "The whole message text, segments separated by CR, as received "
                    + "after decoding its character set"))
            .build();

    public static final Schema KEY_SCHEMA = Schema.OPTIONAL_STRING_SCHEMA;

    private Hl7Schemas() {
    }

    private static Schema optional(String doc) {
        return SchemaBuilder.string().optional().doc(doc).build();
    }

    private static Schema doc(Schema base, String doc) {
        return SchemaBuilder.type(base.type()).doc(doc).build();
    }
}
