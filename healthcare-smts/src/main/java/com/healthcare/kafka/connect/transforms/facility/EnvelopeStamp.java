package com.healthcare.kafka.connect.transforms.facility;

import java.util.function.Function;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * A Debezium change event envelope: {@code before} and {@code after} are stamped like flat rows; every other field
 * ({@code source}, {@code op}, {@code ts_ms}, {@code transaction} ...) is carried over untouched.
 */
final class EnvelopeStamp implements ValueStamp {

    static final String BEFORE = "before";
    static final String AFTER = "after";
    static final String OP = "op";

    private final Schema target;
    private final Field[] sourceFields;
    private final Field[] targetFields;
    /** The row plan of each field, or null for fields copied as they are. */
    private final ValueStamp[] rowStamps;

    private EnvelopeStamp(Schema target, Field[] sourceFields, Field[] targetFields, ValueStamp[] rowStamps) {
        this.target = target;
        this.sourceFields = sourceFields;
        this.targetFields = targetFields;
        this.rowStamps = rowStamps;
    }

    /** Debezium's envelope shape: Struct {@code before} and {@code after}, string {@code op}. */
    static boolean isEnvelope(Schema schema) {
        Field before = schema.field(BEFORE);
        Field after = schema.field(AFTER);
        Field op = schema.field(OP);
        return before != null && after != null && op != null
                && before.schema().type() == Schema.Type.STRUCT && after.schema().type() == Schema.Type.STRUCT
                && op.schema().type() == Schema.Type.STRING;
    }

    /**
     * @param rowStamp the (cached) plan for a row schema: {@code before} and {@code after} normally share one
     *                 schema, so they share one derived schema too
     */
    static EnvelopeStamp derive(Schema source, Function<Schema, ValueStamp> rowStamp) {
        SchemaBuilder builder = StructStamp.copyBasics(source);
        Field[] sourceFields = source.fields().toArray(new Field[0]);
        ValueStamp[] rowStamps = new ValueStamp[sourceFields.length];
        for (int i = 0; i < sourceFields.length; i++) {
            Field field = sourceFields[i];
            if (BEFORE.equals(field.name()) || AFTER.equals(field.name())) {
                rowStamps[i] = rowStamp.apply(field.schema());
                builder.field(field.name(), rowStamps[i].target());
            } else {
                builder.field(field.name(), field.schema());
            }
        }
        Schema target = builder.build();
        return new EnvelopeStamp(target, sourceFields, target.fields().toArray(new Field[0]), rowStamps);
    }

    @Override
    public Schema target() {
        return target;
    }

    @Override
    public Struct apply(Struct envelope) {
        Struct out = new Struct(target);
        for (int i = 0; i < sourceFields.length; i++) {
            Object value = envelope.getWithoutDefault(sourceFields[i].name());
            if (value != null && rowStamps[i] != null) {
                value = rowStamps[i].apply((Struct) value);
            }
            out.put(targetFields[i], value);
        }
        return out;
    }
}
