package com.healthcare.kafka.connect.transforms.facility;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * A primitive key (with schema) wrapped into {@code Struct {<key.id.field>: key, <code field>: code}}: the only
 * way a single-column key can carry the facility code (Kafka's InsertField cannot do this).
 */
final class KeyWrap {

    private final Schema target;
    private final Field idField;
    private final Field codeField;
    private final String code;

    private KeyWrap(Schema target, String idFieldName, String codeFieldName, String code) {
        this.target = target;
        this.idField = target.field(idFieldName);
        this.codeField = target.field(codeFieldName);
        this.code = code;
    }

    /** The id field keeps the primitive's own schema (and so its logical type, e.g. Decimal or Date). */
    static KeyWrap derive(Schema primitive, String idFieldName, String codeFieldName, String code) {
        Schema target = SchemaBuilder.struct()
                .field(idFieldName, primitive)
                .field(codeFieldName, Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        return new KeyWrap(target, idFieldName, codeFieldName, code);
    }

    Schema target() {
        return target;
    }

    Struct apply(Object key) {
        return new Struct(target).put(idField, key).put(codeField, code);
    }
}
