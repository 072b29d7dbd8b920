package com.healthcare.kafka.connect.transforms.mask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import com.healthcare.kafka.connect.transforms.mask.FieldRuleTree.Node;
import com.healthcare.kafka.connect.transforms.mask.TypedValues.Kind;

/**
 * Masks Structs (with their schemas) and schemaless Maps/Lists by dotted paths, through nested structs, maps and
 * arrays, Debezium envelopes included. For a schema, the work is planned once: which fields change and the
 * resulting schema; plans are cached (bounded LRU) per input schema. A string leaf no rule names but that holds
 * an HL7 message or FHIR JSON is handed to {@code embedded} (when set), so documents nested in records are masked.
 */
public final class StructMasker {

    /** What happens to one value. */
    private abstract static class Action {
        final Schema out;

        Action(Schema out) {
            this.out = out;
        }

        abstract Object apply(Object value, Supplier<String> patient);
    }

    private static final class Copy extends Action {
        Copy(Schema schema) {
            super(schema);
        }

        @Override
        Object apply(Object value, Supplier<String> patient) {
            return value;
        }
    }

    private final class Leaf extends Action {
        final MaskRule rule;
        final Kind kind;

        Leaf(MaskRule rule, Schema in) {
            super(TypedValues.outSchema(rule, in));
            this.rule = rule;
            this.kind = TypedValues.kindOf(in);
        }

        @Override
        Object apply(Object value, Supplier<String> patient) {
            if (value == null) {
                return null;
            }
            return TypedValues.mask(rule, kind, value, fn,
                    rule.method() == MaskMethod.DATESHIFT ? patient.get() : null);
        }
    }

    /** A string no rule names: an embedded HL7/FHIR document is masked, an ISO date swept by the profile. */
    private final class Text extends Action {
        Text(Schema schema) {
            super(schema);
        }

        @Override
        Object apply(Object value, Supplier<String> patient) {
            return value == null ? null : text((String) value, patient);
        }
    }

    private String text(String value, Supplier<String> patient) {
        if (dateSweep != null && value.length() >= 7 && value.length() <= 40 && value.charAt(4) == '-'
                && Character.isDigit(value.charAt(0))) {
            DateText date = DateText.parse(value);
            if (date != null && date.isIso() && date.finerThanYear()) {
                return dateSweep.method() == MaskMethod.YEAR ? date.yearText()
                        : date.shift(fn.shiftDays(patient.get()));
            }
        }
        return embedded == null ? value : embedded.apply(value);
    }

    private static boolean isDateKind(Kind kind) {
        return switch (kind) {
            case DATE, TIMESTAMP, EPOCH_DAY_INT, EPOCH_MILLIS, EPOCH_MICROS, EPOCH_NANOS, ZONED_TEXT -> true;
            default -> false;
        };
    }

    private final class StructPlan extends Action {
        final Schema in;
        final Action[] fields;

        StructPlan(Schema in, Schema out, Action[] fields) {
            super(out);
            this.in = in;
            this.fields = fields;
        }

        @Override
        Object apply(Object value, Supplier<String> patient) {
            if (value == null) {
                return null;
            }
            Struct struct = (Struct) value;
            if (fields == null) {
                return struct; // no rule touches this schema
            }
            Struct masked = new Struct(out);
            List<Field> inFields = in.fields();
            List<Field> outFields = out.fields();
            for (int i = 0; i < fields.length; i++) {
                masked.put(outFields.get(i), fields[i].apply(struct.get(inFields.get(i)), patient));
            }
            return masked;
        }
    }

    private static final class ArrayPlan extends Action {
        final Action element;

        ArrayPlan(Schema out, Action element) {
            super(out);
            this.element = element;
        }

        @Override
        Object apply(Object value, Supplier<String> patient) {
            if (value == null) {
                return null;
            }
            List<?> list = (List<?>) value;
            List<Object> masked = new ArrayList<>(list.size());
            for (Object member : list) {
                masked.add(element.apply(member, patient));
            }
            return masked;
        }
    }

    private final class MapPlan extends Action {
        final Schema valueIn;
        final Action values;
        final Map<String, Action> byKey;
        /** Actions for keys the field-name dictionary names, made on first sight of the key. */
        final Map<String, Action> byName;

        MapPlan(Schema out, Schema valueIn, Action values, Map<String, Action> byKey) {
            super(out);
            this.valueIn = valueIn;
            this.values = values;
            this.byKey = byKey;
            this.byName = rules.hasDictionary() ? new java.util.concurrent.ConcurrentHashMap<>() : null;
        }

        @Override
        Object apply(Object value, Supplier<String> patient) {
            if (value == null) {
                return null;
            }
            Map<?, ?> map = (Map<?, ?>) value;
            Map<Object, Object> masked = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Action action = byKey.get(key);
                if (action == null) {
                    action = byName == null ? values : byName(key);
                }
                masked.put(e.getKey(), action.apply(e.getValue(), patient));
            }
            return masked;
        }

        private Action byName(String key) {
            Action action = byName.get(key);
            if (action == null) {
                MaskRule rule = rules.byName(key);
                action = rule == null ? values : compileValue(valueIn, isComposite(valueIn) ? SPREAD : null, rule);
                if (action.out.type() != out.valueSchema().type()) {
                    action = new Leaf(MaskRule.of(MaskMethod.REDACT), valueIn); // a type the map cannot hold
                }
                if (byName.size() < 1000) {
                    byName.put(key, action);
                }
            }
            return action;
        }
    }

    private final FieldRuleTree rules;
    private final MaskFunctions fn;
    private final MaskRule rootRule;
    private final UnaryOperator<String> embedded;
    /** The profile's rule for every date no other rule names (year or dateshift), or null. */
    private final MaskRule dateSweep;
    private final Cache<Schema, StructPlan> plans;
    private volatile StructPlan lastPlan;

    /**
     * @param rootRule a rule for every leaf no other rule names (pseudonymize keys: hash), or null
     * @param embedded masks an HL7 or FHIR document found in a string leaf, or null
     */
    public StructMasker(FieldRuleTree rules, MaskFunctions fn, MaskRule rootRule, UnaryOperator<String> embedded,
                        MaskMethod dateSweep, int cacheSize) {
        this.rules = rules;
        this.dateSweep = dateSweep == null ? null : MaskRule.of(dateSweep);
        this.fn = fn;
        this.rootRule = rootRule;
        this.embedded = embedded;
        this.plans = new SynchronizedCache<>(new LRUCache<>(cacheSize));
    }

    public boolean isEmpty() {
        return rules.isEmpty() && rootRule == null && embedded == null && dateSweep == null;
    }

    /** Whether some rule shifts dates (so the patient id must be found). */
    public boolean usesDateshift() {
        return rules.usesDateshift() || (rootRule != null && rootRule.method() == MaskMethod.DATESHIFT)
                || (dateSweep != null && dateSweep.method() == MaskMethod.DATESHIFT);
    }

    // ---- with a schema ----

    /** The masked Struct; its schema is {@code ((Struct) result).schema()}. */
    public Struct mask(Struct value, Supplier<String> patient) {
        return (Struct) plan(value.schema()).apply(value, patient);
    }

    /** The schema {@link #mask(Struct, Supplier)} produces for structs of {@code schema}. */
    public Schema outSchema(Schema schema) {
        return plan(schema).out;
    }

    private StructPlan plan(Schema schema) {
        StructPlan last = lastPlan;
        if (last != null && last.in == schema) {
            return last;
        }
        StructPlan plan = plans.get(schema);
        if (plan == null) {
            plan = (StructPlan) compileStruct(schema, rules.root(isEnvelope(schema)), rootRule, true);
            plans.put(schema, plan);
        }
        lastPlan = plan;
        return plan;
    }

    private static boolean isEnvelope(Schema schema) {
        return schema.field("op") != null && (schema.field("after") != null || schema.field("before") != null);
    }

    private Action compileStruct(Schema schema, Node node, MaskRule inherited, boolean top) {
        List<Field> fields = schema.fields();
        Action[] actions = new Action[fields.size()];
        boolean changed = false;
        for (int i = 0; i < actions.length; i++) {
            Field f = fields.get(i);
            Node child = node == null ? null : node.child(f.name());
            MaskRule rule = child != null && child.rule != null ? child.rule : null;
            MaskRule byName = rule == null ? rules.byName(f.name()) : null;
            if (byName != null && isComposite(f.schema())) {
                // a field name says what the whole holds: its parts keep their own names' rules (state, zip)
                actions[i] = compileValue(f.schema(), SPREAD, byName);
            } else {
                actions[i] = compileValue(f.schema(), child, rule != null ? rule : byName != null ? byName : inherited);
            }
            changed |= !(actions[i] instanceof Copy) || actions[i].out != f.schema();
        }
        if (!changed && !top) {
            return new Copy(schema);
        }
        if (!changed) {
            return new StructPlan(schema, schema, null);
        }
        Schema out = schema;
        boolean schemaChanged = false;
        for (int i = 0; i < actions.length; i++) {
            schemaChanged |= actions[i].out != fields.get(i).schema();
        }
        if (schemaChanged) {
            SchemaBuilder builder = TypedValues.copyMetadata(schema, SchemaBuilder.struct());
            for (int i = 0; i < actions.length; i++) {
                builder.field(fields.get(i).name(), actions[i].out);
            }
            if (schema.isOptional()) {
                builder.optional();
            }
            out = builder.build();
        }
        return new StructPlan(schema, out, actions);
    }

    /** Marks "apply the rule to each part" (a node with no children of its own, but not a leaf rule). */
    private static final Node SPREAD = new Node();

    private static boolean isComposite(Schema schema) {
        Schema.Type type = schema.type();
        return type == Schema.Type.STRUCT || type == Schema.Type.MAP
                || (type == Schema.Type.ARRAY && isComposite(schema.valueSchema()));
    }

    private Action compileValue(Schema schema, Node node, MaskRule rule) {
        boolean deeper = node != null && (!node.children.isEmpty() || node == SPREAD);
        if (rule != null && rule.method() == MaskMethod.KEEP && !deeper) {
            return new Copy(schema);
        }
        switch (schema.type()) {
            case STRUCT:
                if (rule != null && rule.method() == MaskMethod.REDACT && !deeper) {
                    return new Leaf(rule, schema);
                }
                return compileStruct(schema, deeper ? node : null, rule, false);
            case ARRAY: {
                if (rule != null && rule.method() == MaskMethod.REDACT && !deeper) {
                    return new Leaf(rule, schema);
                }
                Action element = compileValue(schema.valueSchema(), node, rule);
                if (element instanceof Copy && element.out == schema.valueSchema()) {
                    return new Copy(schema);
                }
                return new ArrayPlan(rebuild(schema, null, element.out), element);
            }
            case MAP:
                return compileMap(schema, deeper ? node : null, rule);
            default:
                if (rule != null) {
                    return new Leaf(rule, schema);
                }
                Kind kind = TypedValues.kindOf(schema);
                if (dateSweep != null && isDateKind(kind)) {
                    return new Leaf(dateSweep, schema);
                }
                if ((embedded != null || dateSweep != null) && kind == Kind.STRING) {
                    return new Text(schema);
                }
                return new Copy(schema);
        }
    }

    private Action compileMap(Schema schema, Node node, MaskRule rule) {
        if (rule != null && rule.method() == MaskMethod.REDACT && node == null) {
            return new Leaf(rule, schema);
        }
        Action values = compileValue(schema.valueSchema(), null, rule);
        Map<String, Action> byKey = new HashMap<>();
        Schema valueOut = values.out;
        // All values of a map share one schema: when some keys may be masked to null it becomes optional, and a
        // key whose masked type differs is removed rather than left in the clear.
        boolean optional = valueOut.isOptional() || rules.hasDictionary();
        if (node != null) {
            for (Map.Entry<String, Node> e : node.children.entrySet()) {
                Node child = e.getValue();
                MaskRule keyRule = child.rule != null ? child.rule : rule;
                Action action = compileValue(schema.valueSchema(), child.children.isEmpty() ? null : child, keyRule);
                byKey.put(e.getKey(), action);
                optional |= action.out.isOptional();
            }
        }
        if (optional) {
            valueOut = TypedValues.optional(valueOut);
        }
        for (Map.Entry<String, Action> e : byKey.entrySet()) {
            if (e.getValue().out.type() != valueOut.type()) {
                e.setValue(new Leaf(MaskRule.of(MaskMethod.REDACT), schema.valueSchema()));
            }
        }
        if (byKey.isEmpty() && !rules.hasDictionary() && values instanceof Copy && valueOut == schema.valueSchema()) {
            return new Copy(schema);
        }
        return new MapPlan(rebuild(schema, schema.keySchema(), valueOut), schema.valueSchema(), values, byKey);
    }

    private static Schema rebuild(Schema schema, Schema keyOut, Schema valueOut) {
        SchemaBuilder b = schema.type() == Schema.Type.ARRAY ? SchemaBuilder.array(valueOut)
                : SchemaBuilder.map(keyOut, valueOut);
        if (schema.name() != null) {
            b.name(schema.name());
        }
        if (schema.version() != null) {
            b.version(schema.version());
        }
        if (schema.doc() != null) {
            b.doc(schema.doc());
        }
        if (schema.isOptional()) {
            b.optional();
        }
        return b.build();
    }

    // ---- schemaless ----

    /** A masked copy of a schemaless value (Map, List, Struct or primitive). */
    public Object maskSchemaless(Object value, Supplier<String> patient) {
        if (value instanceof Struct struct) {
            return mask(struct, patient);
        }
        boolean envelope = value instanceof Map<?, ?> map && map.containsKey("op")
                && (map.containsKey("after") || map.containsKey("before"));
        return schemaless(value, rules.root(envelope), rootRule, patient);
    }

    Object schemaless(Object value, Node node, MaskRule rule, Supplier<String> patient) {
        if (value == null) {
            return null;
        }
        boolean deeper = node != null && (!node.children.isEmpty() || node == SPREAD);
        if (rule != null && rule.method() == MaskMethod.KEEP && !deeper) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            if (rule != null && rule.method() == MaskMethod.REDACT && !deeper) {
                return null;
            }
            Map<Object, Object> masked = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String name = String.valueOf(e.getKey());
                Node child = deeper ? node.child(name) : null;
                MaskRule own = child != null && child.rule != null ? child.rule : null;
                MaskRule byName = own == null ? rules.byName(name) : null;
                Object member = e.getValue();
                if (byName != null && (member instanceof Map || member instanceof List || member instanceof Struct)) {
                    masked.put(e.getKey(), schemaless(member, SPREAD, byName, patient));
                } else {
                    masked.put(e.getKey(), schemaless(member, child, own != null ? own : byName != null ? byName
                            : rule, patient));
                }
            }
            return masked;
        }
        if (value instanceof List<?> list) {
            if (rule != null && rule.method() == MaskMethod.REDACT && !deeper) {
                return null;
            }
            List<Object> masked = new ArrayList<>(list.size());
            for (Object member : list) {
                masked.add(schemaless(member, node, rule, patient));
            }
            return masked;
        }
        if (value instanceof Struct struct) {
            return rule != null && rule.method() == MaskMethod.REDACT ? null : mask(struct, patient);
        }
        if (rule == null) {
            if (value instanceof String s) {
                return text(s, patient);
            }
            if (dateSweep != null && value instanceof java.util.Date) {
                return TypedValues.mask(dateSweep, Kind.TIMESTAMP, value, fn,
                        dateSweep.method() == MaskMethod.DATESHIFT ? patient.get() : null);
            }
            return value;
        }
        Kind kind = TypedValues.kindOf(value);
        if (kind == Kind.OTHER) {
            return null;
        }
        return TypedValues.mask(rule, kind, value, fn, rule.method() == MaskMethod.DATESHIFT ? patient.get() : null);
    }

    /** Reads a dotted path from an (unmasked) Struct or Map; null when absent or not a primitive. */
    public static Object read(Object value, List<String> path) {
        Object current = value;
        for (String name : path) {
            if (current instanceof Struct struct) {
                Field f = struct.schema().field(name);
                current = f == null ? null : struct.get(f);
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(name);
            } else {
                return null;
            }
        }
        return current instanceof Struct || current instanceof Map || current instanceof List ? null : current;
    }
}
