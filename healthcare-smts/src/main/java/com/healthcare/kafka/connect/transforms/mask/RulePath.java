package com.healthcare.kafka.connect.transforms.mask;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.healthcare.kafka.connect.transforms.fhir.R4Elements;

/**
 * A rule's path, classified by its syntax: an HL7 v2 location ({@code PID-11.5}, also dotted {@code PID.11.5} as
 * in seed configs), a FHIR element ({@code Patient.address.line}, the first part a resource type, or
 * {@code Resource}/{@code DomainResource} for every type), or else a dotted path into a Struct or Map
 * ({@code after.ssn}).
 */
public sealed interface RulePath {

    /** The path written canonically: HL7 with a dash ({@code PID-19}), the others as given. */
    String canonical();

    record Hl7(String segment, int field, int component, int subcomponent) implements RulePath {
        @Override
        public String canonical() {
            return segment + "-" + field + (component > 0 ? "." + component : "")
                    + (subcomponent > 0 ? "." + subcomponent : "");
        }

        /** The path one level up (PID-11.5 -> PID-11), or null for a whole field. */
        public Hl7 parent() {
            if (subcomponent > 0) {
                return new Hl7(segment, field, component, 0);
            }
            return component > 0 ? new Hl7(segment, field, 0, 0) : null;
        }
    }

    record Fhir(String resourceType, List<String> elements) implements RulePath {
        /** Resource type names that stand for every resource type. */
        public static final Set<String> ANY_TYPE = Set.of("Resource", "DomainResource");

        public boolean anyType() {
            return ANY_TYPE.contains(resourceType);
        }

        @Override
        public String canonical() {
            return resourceType + "." + String.join(".", elements);
        }
    }

    record Field(List<String> names) implements RulePath {
        @Override
        public String canonical() {
            return String.join(".", names);
        }
    }

    Pattern HL7 = Pattern.compile("([A-Z][A-Z0-9]{2})[-.](\\d{1,3})(?:\\.(\\d{1,3}))?(?:\\.(\\d{1,3}))?");
    Pattern FHIR_ELEMENT = Pattern.compile("[a-z][A-Za-z0-9]*");

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException with a message fit for a config error (paths are config, not PHI)
     */
    static RulePath parse(String text) {
        String path = text.trim();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        Matcher hl7 = HL7.matcher(path);
        if (hl7.matches()) {
            String segment = hl7.group(1);
            int field = Integer.parseInt(hl7.group(2));
            int component = hl7.group(3) == null ? 0 : Integer.parseInt(hl7.group(3));
            int sub = hl7.group(4) == null ? 0 : Integer.parseInt(hl7.group(4));
            if (field < 1 || (hl7.group(3) != null && component < 1) || (hl7.group(4) != null && sub < 1)) {
                throw new IllegalArgumentException("HL7 field, component and subcomponent numbers start at 1");
            }
            if (isHeader(segment) && field <= 2) {
                throw new IllegalArgumentException(segment + "-1 and " + segment
                        + "-2 hold the message delimiters and cannot be masked");
            }
            return new Hl7(segment, field, component, sub);
        }
        String[] parts = path.split("\\.", -1);
        for (String part : parts) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("empty name between dots");
            }
        }
        if (parts.length >= 2 && isResourceType(parts[0]) && fhirElements(parts)) {
            return new Fhir(parts[0], List.of(parts).subList(1, parts.length));
        }
        return new Field(List.of(parts));
    }

    private static boolean fhirElements(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            if (!FHIR_ELEMENT.matcher(parts[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    /** MSH and the batch headers FHS/BHS define their own delimiters in fields 1 and 2. */
    static boolean isHeader(String segment) {
        return segment.equals("MSH") || segment.equals("FHS") || segment.equals("BHS");
    }

    static boolean isResourceType(String name) {
        if (Fhir.ANY_TYPE.contains(name)) {
            return true;
        }
        return R4Elements.r4().isResourceType(name);
    }
}
