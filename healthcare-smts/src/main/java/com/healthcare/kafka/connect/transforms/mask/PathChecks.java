package com.healthcare.kafka.connect.transforms.mask;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.healthcare.kafka.connect.transforms.fhir.R4Elements;

/**
 * Whether a rule's path can exist: an HL7 v2 segment of the standard (v2.3 to v2.8.1, or a site-specific
 * Z-segment) within its number of fields, a FHIR R4 element of the resource type (from {@link R4Elements}, the R4
 * definitions generated from HAPI FHIR at build time; {@code Resource.x}: of some resource type). A rule on a path that cannot exist
 * masks nothing, and is most often a typo of a path that holds PHI, so config/validate rejects it. Record
 * paths (Struct/Map fields) can be anything.
 */
final class PathChecks {

    private static final Map<String, Integer> SEGMENTS = loadSegments();
    private static final Map<String, Boolean> FHIR_PATHS = new ConcurrentHashMap<>();
    /** The FHIR R4 element table generated from HAPI FHIR at build time (HAPI is not in the plugin zip). */
    private static final R4Elements R4 = R4Elements.r4();

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
            for (String type : R4.resourceTypes()) {
                if (exists(type, p.elements())) {
                    return true;
                }
            }
            return false;
        });
        return exists ? null : "'" + key + "': no such element in FHIR R4" + (p.anyType() ? " resources" : "");
    }

    private static boolean exists(String resourceType, List<String> elements) {
        if (!R4.isResourceType(resourceType)) {
            return true; // a type this model does not know: nothing to check against
        }
        String type = resourceType;
        for (String element : elements) {
            if (!R4.isComplex(type)) {
                // A primitive: only its id and extensions lie below, and what lies below those is not checked.
                return element.equals("id") || element.equals("extension");
            }
            if (R4.isChoice(type, element)) {
                return true; // a choice: its type is per value, what lies below is not checked
            }
            type = R4.childType(type, element);
            if (type == null) {
                return false;
            }
        }
        return true;
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
