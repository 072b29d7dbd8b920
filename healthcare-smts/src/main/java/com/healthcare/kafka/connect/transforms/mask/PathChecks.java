package com.healthcare.kafka.connect.transforms.mask;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.hl7.fhir.r4.model.ResourceType;

import ca.uhn.fhir.model.api.annotation.Child;

/**
 * Whether a rule's path can exist: an HL7 v2 segment of the standard (v2.3 to v2.8.1, or a site-specific
 * Z-segment) within its number of fields, a FHIR R4 element of the resource type (read from the HAPI FHIR model
 * classes' {@code @Child} names; {@code Resource.x}: of some resource type). A rule on a path that cannot exist
 * masks nothing, and is most often a typo of a path that holds PHI, so config/validate rejects it. Record
 * paths (Struct/Map fields) can be anything.
 */
final class PathChecks {

    private static final Map<String, Integer> SEGMENTS = loadSegments();
    private static final Map<String, Boolean> FHIR_PATHS = new ConcurrentHashMap<>();
    private static final String MODEL = "org.hl7.fhir.r4.model.";

    private PathChecks() {
    }

    /** Why the path cannot exist, or null when it can. */
    static String problem(RulePath path) {
        if (path instanceof RulePath.Hl7 hl7) {
            return hl7Problem(hl7);
        }
        if (path instanceof RulePath.Fhir fhir) {
            return fhirProblem(fhir);
        }
        return null;
    }

    private static String hl7Problem(RulePath.Hl7 p) {
        String segment = p.segment();
        if (segment.startsWith("Z")) {
            return null;
        }
        Integer fields = SEGMENTS.get(segment);
        if (fields == null) {
            return "'" + p.canonical() + "': HL7 v2 has no segment " + segment + " (v2.3 to v2.9; site-specific"
                    + " segments start with Z)";
        }
        if (fields > 0 && p.field() > fields) {
            return "'" + p.canonical() + "': " + segment + " has " + fields + " fields (v2.3 to v2.8.1)";
        }
        return null;
    }

    private static String fhirProblem(RulePath.Fhir p) {
        String key = p.canonical();
        boolean exists = FHIR_PATHS.computeIfAbsent(key, k -> {
            if (!p.anyType()) {
                return exists(p.resourceType(), p.elements());
            }
            for (ResourceType type : ResourceType.values()) {
                if (exists(type.name(), p.elements())) {
                    return true;
                }
            }
            return false;
        });
        return exists ? null : "'" + key + "': no such element in FHIR R4" + (p.anyType() ? " resources" : "");
    }

    private static boolean exists(String resourceType, List<String> elements) {
        Class<?> type;
        try {
            type = Class.forName(MODEL + resourceType, false, PathChecks.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return true; // a type this model does not know: nothing to check against
        }
        for (String element : elements) {
            Field field = child(type, element);
            if (field == null) {
                return false;
            }
            type = elementType(field);
            if (type == null) {
                return true; // a choice or an abstract type: what lies below is not checked
            }
        }
        return true;
    }

    private static Field child(Class<?> type, String name) {
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                Child child = f.getAnnotation(Child.class);
                if (child != null) {
                    String n = child.name();
                    if (n.endsWith("[x]")) {
                        n = n.substring(0, n.length() - 3);
                    }
                    if (n.equals(name)) {
                        return f;
                    }
                }
            }
        }
        return null;
    }

    /** The element's class (the list's member for a repeating element); null for a choice. */
    private static Class<?> elementType(Field field) {
        Type t = field.getGenericType();
        if (t instanceof ParameterizedType pt && pt.getActualTypeArguments().length == 1) {
            t = pt.getActualTypeArguments()[0];
        }
        if (!(t instanceof Class<?> c) || c.getSimpleName().equals("Type") || c.getSimpleName().equals("DataType")) {
            return null;
        }
        return c;
    }

    private static Map<String, Integer> loadSegments() {
        Map<String, Integer> segments = new HashMap<>();
        try (InputStream in = PathChecks.class.getResourceAsStream("hl7-segments.tsv")) {
            if (in == null) {
                throw new IllegalStateException("hl7-segments.tsv is missing from the plugin");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t");
                segments.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(segments);
    }
}
