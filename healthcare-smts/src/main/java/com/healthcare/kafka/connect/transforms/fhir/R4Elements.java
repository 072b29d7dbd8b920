package com.healthcare.kafka.connect.transforms.fhir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The FHIR R4 element definitions the transforms need at run time, read from {@code r4-elements.tsv}: a table
 * generated at build time from HAPI FHIR (healthcare-smts/src/build/java/FhirR4ElementTable.java), so the plugin
 * ships a few hundred kilobytes instead of HAPI and its dependencies. Immutable; loaded once per class loader.
 */
public final class R4Elements {

    private static final String TABLE = "r4-elements.tsv";

    private final Set<String> resourceTypes;
    /** owner -> JSON name (or {@code element[x]} of a choice) -> target type ("" for a choice). */
    private final Map<String, Map<String, String>> children;

    private R4Elements(Set<String> resourceTypes, Map<String, Map<String, String>> children) {
        this.resourceTypes = resourceTypes;
        this.children = children;
    }

    private static final class Holder {
        static final R4Elements TABLE_INSTANCE = load();
    }

    /** The table shipped in the plugin jar. */
    public static R4Elements r4() {
        return Holder.TABLE_INSTANCE;
    }

    /** Every R4 resource type name. */
    public Set<String> resourceTypes() {
        return resourceTypes;
    }

    /** Whether {@code name} is an R4 resource type ({@code Patient}, {@code Observation} ...). */
    public boolean isResourceType(String name) {
        return resourceTypes.contains(name);
    }

    /**
     * The type of child {@code jsonName} of {@code owner} (a resource, datatype or backbone path such as
     * {@code Observation.component}), as a type name ({@code Quantity}, {@code decimal}) or backbone path;
     * null when R4 has no such child. Choice elements resolve by their JSON names ({@code valueQuantity}).
     */
    public String childType(String owner, String jsonName) {
        Map<String, String> own = owner == null ? null : children.get(owner);
        if (own == null) {
            return null;
        }
        String type = own.get(jsonName);
        return type == null || type.isEmpty() ? null : type;
    }

    /** Whether {@code owner} has element {@code element} (a choice by its base name: {@code value}). */
    public boolean hasElement(String owner, String element) {
        Map<String, String> own = children.get(owner);
        return own != null && (own.containsKey(element) || own.containsKey(element + "[x]"));
    }

    /** Whether {@code owner}'s element {@code element} is a choice ({@code value[x]}): its type is per value. */
    public boolean isChoice(String owner, String element) {
        Map<String, String> own = children.get(owner);
        return own != null && own.containsKey(element + "[x]");
    }

    /** Whether {@code type} is an owner of elements (resource, complex datatype or backbone element). */
    public boolean isComplex(String type) {
        return children.containsKey(type);
    }

    private static R4Elements load() {
        Set<String> types = new HashSet<>();
        Map<String, Map<String, String>> children = new HashMap<>();
        try (InputStream in = R4Elements.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException(TABLE + " is missing from the plugin jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", -1);
                if (cols[0].equals("R")) {
                    types.add(cols[1]);
                } else {
                    children.computeIfAbsent(cols[1], k -> new HashMap<>()).put(cols[2],
                            cols.length > 3 ? cols[3] : "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        children.replaceAll((k, v) -> Map.copyOf(v));
        return new R4Elements(Set.copyOf(types), Map.copyOf(children));
    }
}
