package com.healthcare.kafka.connect.transforms.fhir;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Infers a Connect schema from one FHIR resource and converts the resource into a Struct of it, so sinks that
 * need schemas (a JDBC sink, Avro) can take FHIR. The JSON decides which fields exist; the FHIR R4 definitions
 * ({@link R4Elements}, generated from HAPI FHIR at build time) decide number types, so {@code Quantity.value} is always FLOAT64 even
 * when a server writes {@code 5}, and integer elements are INT32. Every field is optional, objects in an array
 * are merged into one struct with the union of their fields, fields are ordered resourceType, id, meta, then by
 * name, and struct names follow the path ({@code fhir.Observation.code.coding}) so Avro names stay unique.
 * Schemas are cached by shape in a bounded LRU: resources of the same shape share one Schema instance.
 */
public final class StructInference {

    /** A lightweight description of the JSON's shape; its signature keys the schema cache. */
    private abstract static sealed class Shape permits Prim, Obj, Arr {
        abstract void signature(StringBuilder sb);
    }

    private static final class Prim extends Shape {
        final Schema.Type type;

        Prim(Schema.Type type) {
            this.type = type;
        }

        @Override
        void signature(StringBuilder sb) {
            sb.append(switch (type) {
                case INT32 -> 'i';
                case INT64 -> 'l';
                case FLOAT64 -> 'd';
                case BOOLEAN -> 'b';
                default -> 's';
            });
        }
    }

    private static final class Obj extends Shape {
        final Map<String, Shape> fields = new TreeMap<>(StructInference::compareFields);

        @Override
        void signature(StringBuilder sb) {
            sb.append('{');
            for (Map.Entry<String, Shape> e : fields.entrySet()) {
                sb.append(e.getKey()).append(':');
                e.getValue().signature(sb);
                sb.append(',');
            }
            sb.append('}');
        }
    }

    private static final class Arr extends Shape {
        Shape element;

        @Override
        void signature(StringBuilder sb) {
            sb.append('[');
            if (element != null) {
                element.signature(sb);
            }
            sb.append(']');
        }
    }

    private final R4Elements elements;
    private final Cache<String, Schema> cache;

    public StructInference(R4Elements elements, int cacheSize) {
        this.elements = elements;
        this.cache = new SynchronizedCache<>(new LRUCache<>(cacheSize));
    }

    /** The schema for {@code resource} (a JSON object with resourceType) and the Struct holding it. */
    public Struct toStruct(JsonNode resource) {
        String type = resource.path("resourceType").asText("Resource");
        Shape shape = shapeOf(resource, definition(type));
        StringBuilder signature = new StringBuilder(type).append('|');
        shape.signature(signature);
        String key = signature.toString();
        Schema schema = cache.get(key);
        if (schema == null) {
            schema = schemaOf(shape, "fhir." + type);
            cache.put(key, schema);
        }
        return (Struct) convert(resource, schema);
    }

    /** The R4 type of a resource, or null when it is not an R4 type (its shape then comes from the JSON alone). */
    private String definition(String resourceType) {
        return elements.isResourceType(resourceType) ? resourceType : null;
    }

    private Shape shapeOf(JsonNode node, String def) {
        if (node.isObject()) {
            String own = def;
            if (node.has("resourceType") && node.get("resourceType").isTextual()) {
                String resourceDef = definition(node.get("resourceType").asText());
                if (resourceDef != null) {
                    own = resourceDef;
                }
            }
            Obj obj = new Obj();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    continue;
                }
                obj.fields.put(e.getKey(), shapeOf(e.getValue(), child(own, e.getKey())));
            }
            return obj;
        }
        if (node.isArray()) {
            Arr arr = new Arr();
            for (JsonNode item : node) {
                arr.element = arr.element == null ? shapeOf(item, def) : merge(arr.element, shapeOf(item, def));
            }
            return arr;
        }
        if (node.isBoolean()) {
            return new Prim(Schema.Type.BOOLEAN);
        }
        if (node.isNumber()) {
            if (def != null) {
                String name = def;
                if ("decimal".equals(name)) {
                    return new Prim(Schema.Type.FLOAT64);
                }
                if ("integer".equals(name) || "unsignedInt".equals(name) || "positiveInt".equals(name)) {
                    return new Prim(Schema.Type.INT32);
                }
                if ("integer64".equals(name)) {
                    return new Prim(Schema.Type.INT64);
                }
            }
            return new Prim(node.isIntegralNumber() ? Schema.Type.INT64 : Schema.Type.FLOAT64);
        }
        return new Prim(Schema.Type.STRING);
    }

    /** The type of child {@code name} of {@code parent}, or null when unknown. */
    private String child(String parent, String name) {
        if (parent == null || name.startsWith("_")) {
            return null;
        }
        return elements.childType(parent, name);
    }

    private static Shape merge(Shape a, Shape b) {
        if (a instanceof Obj oa && b instanceof Obj ob) {
            Obj merged = new Obj();
            merged.fields.putAll(oa.fields);
            ob.fields.forEach((k, v) -> merged.fields.merge(k, v, StructInference::merge));
            return merged;
        }
        if (a instanceof Arr aa && b instanceof Arr ab) {
            Arr merged = new Arr();
            merged.element = aa.element == null ? ab.element : ab.element == null ? aa.element
                    : merge(aa.element, ab.element);
            return merged;
        }
        if (a instanceof Prim pa && b instanceof Prim pb) {
            if (pa.type == pb.type) {
                return pa;
            }
            boolean numeric = isNumber(pa.type) && isNumber(pb.type);
            if (numeric) {
                if (pa.type == Schema.Type.FLOAT64 || pb.type == Schema.Type.FLOAT64) {
                    return new Prim(Schema.Type.FLOAT64);
                }
                return new Prim(Schema.Type.INT64);
            }
        }
        return new Prim(Schema.Type.STRING); // incompatible: keep the JSON text
    }

    private static boolean isNumber(Schema.Type t) {
        return t == Schema.Type.INT32 || t == Schema.Type.INT64 || t == Schema.Type.FLOAT64;
    }

    private static Schema schemaOf(Shape shape, String name) {
        if (shape instanceof Obj obj) {
            SchemaBuilder builder = SchemaBuilder.struct().name(name).optional();
            for (Map.Entry<String, Shape> e : obj.fields.entrySet()) {
                builder.field(e.getKey(), schemaOf(e.getValue(), name + "." + avroName(e.getKey())));
            }
            return builder.build();
        }
        if (shape instanceof Arr arr) {
            Schema element = arr.element == null ? Schema.OPTIONAL_STRING_SCHEMA : schemaOf(arr.element, name);
            return SchemaBuilder.array(element).optional().build();
        }
        return switch (((Prim) shape).type) {
            case INT32 -> Schema.OPTIONAL_INT32_SCHEMA;
            case INT64 -> Schema.OPTIONAL_INT64_SCHEMA;
            case FLOAT64 -> Schema.OPTIONAL_FLOAT64_SCHEMA;
            case BOOLEAN -> Schema.OPTIONAL_BOOLEAN_SCHEMA;
            default -> Schema.OPTIONAL_STRING_SCHEMA;
        };
    }

    private static String avroName(String field) {
        String cleaned = field.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(cleaned.charAt(0)) ? "_" + cleaned : cleaned;
    }

    private static Object convert(JsonNode node, Schema schema) {
        if (node == null || node.isNull()) {
            return null;
        }
        switch (schema.type()) {
            case STRUCT -> {
                Struct struct = new Struct(schema);
                if (node.isObject()) {
                    for (org.apache.kafka.connect.data.Field f : schema.fields()) {
                        JsonNode child = node.get(f.name());
                        if (child != null && !child.isNull()) {
                            struct.put(f, convert(child, f.schema()));
                        }
                    }
                }
                return struct;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                if (node.isArray()) {
                    for (JsonNode item : node) {
                        list.add(convert(item, schema.valueSchema()));
                    }
                }
                return list;
            }
            case INT32 -> {
                return node.isNumber() ? node.intValue() : null;
            }
            case INT64 -> {
                return node.isNumber() ? node.longValue() : null;
            }
            case FLOAT64 -> {
                return node.isNumber() ? node.doubleValue() : null;
            }
            case BOOLEAN -> {
                return node.isBoolean() ? node.booleanValue() : null;
            }
            default -> {
                return node.isValueNode() ? node.asText() : node.toString();
            }
        }
    }

    /** resourceType, id and meta first (the columns people look for), then alphabetical. */
    static int compareFields(String a, String b) {
        return Integer.compare(rank(a), rank(b)) != 0 ? Integer.compare(rank(a), rank(b)) : a.compareTo(b);
    }

    private static int rank(String field) {
        return switch (field) {
            case "resourceType" -> 0;
            case "id" -> 1;
            case "meta" -> 2;
            default -> 3;
        };
    }

    /** The plain Java form of JSON: Map, List, String, Long, Double, Boolean (for the schemaless output). */
    public static Object toPlain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toPlain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toPlain(n)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull()) {
            return null;
        }
        return node.asText();
    }
}
