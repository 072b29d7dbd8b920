package com.healthcare.kafka.connect.transforms.mask;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FHIR rules as a tree per resource type; {@code Resource.x} / {@code DomainResource.x} rules apply to every type,
 * a rule naming the type itself wins over them. As for HL7, the most specific rule wins for its element and a
 * coarser rule applies to the children without one ({@code Patient.address:redact} with
 * {@code Patient.address.state:keep} keeps only the state).
 */
public final class FhirRules {

    /** One element of a path: its rule (may be null) and its children by element name. */
    static final class Node {
        MaskRule rule;
        final Map<String, Node> children = new LinkedHashMap<>();

        /** The child for a JSON property: the exact name, or a choice element ({@code deceased} for
         * {@code deceasedDateTime}). */
        Node match(String property) {
            Node exact = children.get(property);
            if (exact != null || children.isEmpty()) {
                return exact;
            }
            for (Map.Entry<String, Node> e : children.entrySet()) {
                String name = e.getKey();
                if (property.length() > name.length() && property.startsWith(name)
                        && Character.isUpperCase(property.charAt(name.length()))) {
                    return e.getValue();
                }
            }
            return null;
        }

        boolean keeps(String property) {
            Node child = match(property);
            return child != null && child.rule != null && child.rule.method() == MaskMethod.KEEP;
        }

        Node copy() {
            Node copy = new Node();
            copy.rule = rule;
            children.forEach((k, v) -> copy.children.put(k, v.copy()));
            return copy;
        }

        /** Adds {@code other} into this tree; other's rules win. */
        void mergeFrom(Node other) {
            if (other.rule != null) {
                rule = other.rule;
            }
            other.children.forEach((k, v) -> children.computeIfAbsent(k, x -> new Node()).mergeFrom(v));
        }
    }

    private static final Node EMPTY = new Node();

    private final Node anyType = new Node();
    private final Map<String, Node> byType = new HashMap<>();
    private final Map<String, Node> merged = new ConcurrentHashMap<>();
    private boolean usesDateshift;

    FhirRules(Collection<MaskRule> rules) {
        for (MaskRule rule : rules) {
            RulePath.Fhir p = (RulePath.Fhir) rule.path();
            Node node = p.anyType() ? anyType : byType.computeIfAbsent(p.resourceType(), t -> new Node());
            for (String element : p.elements()) {
                node = node.children.computeIfAbsent(element, e -> new Node());
            }
            node.rule = rule;
            usesDateshift |= rule.method() == MaskMethod.DATESHIFT;
        }
    }

    public boolean isEmpty() {
        return anyType.children.isEmpty() && byType.isEmpty();
    }

    boolean usesDateshift() {
        return usesDateshift;
    }

    /** The rule tree for a resource type (the every-type rules merged with the type's own). */
    Node forType(String resourceType) {
        Node own = byType.get(resourceType);
        if (own == null) {
            return anyType.children.isEmpty() ? EMPTY : anyType;
        }
        return merged.computeIfAbsent(resourceType, t -> {
            Node tree = anyType.copy();
            tree.mergeFrom(own);
            return tree;
        });
    }
}
