package com.healthcare.kafka.connect.transforms.facility;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * The derived schema of one flat Struct schema (its fields, then the stamped fields as optional strings) and the
 * plan to copy a Struct into it. Built once per source schema; applying it builds no schema.
 */
final class StructStamp implements ValueStamp {

    private final Schema target;
    private final Field[] sourceFields;
    private final Field[] targetFields;
    /** Fields whose schema has a default: read without it, so a null column stays null. */
    private final boolean[] readWithoutDefault;
    private final Field codeField;
    private final String code;
    private final Field nameField;
    private final String name;

    private StructStamp(Schema source, Schema target, String codeFieldName, String code, String nameFieldName,
                        String name) {
        this.target = target;
        List<Field> fields = source.fields();
        this.sourceFields = fields.toArray(new Field[0]);
        this.targetFields = new Field[sourceFields.length];
        this.readWithoutDefault = new boolean[sourceFields.length];
        for (int i = 0; i < sourceFields.length; i++) {
            targetFields[i] = target.fields().get(i);
            readWithoutDefault[i] = sourceFields[i].schema().defaultValue() != null;
        }
        this.codeField = target.field(codeFieldName);
        this.code = code;
        this.nameField = nameFieldName == null ? null : target.field(nameFieldName);
        this.name = name;
    }

    /**
     * @param nameFieldName null when no name is stamped (keys, or no facility.name)
     * @throws DataException if the schema already has a stamped field that is not a string
     */
    static StructStamp derive(Schema source, String codeFieldName, String code, String nameFieldName,
                              String name) {
        SchemaBuilder builder = copyBasics(source);
        for (Field field : source.fields()) {
            builder.field(field.name(), field.schema());
        }
        addStringField(source, builder, codeFieldName);
        if (nameFieldName != null) {
            addStringField(source, builder, nameFieldName);
        }
        return new StructStamp(source, builder.build(), codeFieldName, code, nameFieldName, name);
    }

    /**
     * Name, version, doc, parameters and optionality of a Struct schema, so downstream consumers (and schema
     * registries) still recognise it. A Struct default value cannot carry over (it has the old schema).
     */
    static SchemaBuilder copyBasics(Schema source) {
        SchemaBuilder builder = SchemaBuilder.struct().name(source.name()).version(source.version())
                .doc(source.doc());
        Map<String, String> parameters = source.parameters();
        if (parameters != null && !parameters.isEmpty()) {
            builder.parameters(parameters);
        }
        if (source.isOptional()) {
            builder.optional();
        }
        return builder;
    }

    /** Optional, so a JDBC sink with auto-evolve can add the column to an existing table. */
    private static void addStringField(Schema source, SchemaBuilder builder, String fieldName) {
        Field existing = source.field(fieldName);
        if (existing == null) {
            builder.field(fieldName, Schema.OPTIONAL_STRING_SCHEMA);
        } else if (existing.schema().type() != Schema.Type.STRING) {
            // The stamp must be authoritative; a same-named column of another type cannot hold it.
            throw new DataException("FacilityMetadata: field '" + fieldName + "' of schema "
                    + describe(source) + " is " + existing.schema().type()
                    + ", not STRING; choose another facility.code.field / facility.name.field");
        }
        // An existing string field keeps its place and schema; its value is overwritten by the stamp.
    }

    static String describe(Schema schema) {
        return schema.name() == null ? "(unnamed " + schema.type() + ")" : "'" + schema.name() + "'";
    }

    @Override
    public Schema target() {
        return target;
    }

    @Override
    public Struct apply(Struct value) {
        Struct out = new Struct(target);
        for (int i = 0; i < sourceFields.length; i++) {
            Field field = sourceFields[i];
            out.put(targetFields[i], readWithoutDefault[i] ? value.getWithoutDefault(field.name()) : value.get(field));
        }
        out.put(codeField, code);
        if (nameField != null) {
            out.put(nameField, name);
        }
        return out;
    }
}
