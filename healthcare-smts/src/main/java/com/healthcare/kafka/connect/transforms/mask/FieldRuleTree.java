package com.healthcare.kafka.connect.transforms.mask;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rules for Structs and Maps: a tree of dotted paths (arrays are passed through, so {@code contacts.phone}
 * reaches the phone of every contact), a dictionary of field names that apply at any depth (the profiles' column
 * names), and a second tree for Debezium envelopes in which a rule on {@code after.x} also masks
 * {@code before.x} (and a rule on {@code x} both), since the before image holds the same columns.
 */
public final class FieldRuleTree {

    static final class Node {
        MaskRule rule;
        final Map<String, Node> children = new HashMap<>();

        Node child(String name) {
            return children.isEmpty() ? null : children.get(name);
        }
    }

    private static final MaskRule NONE = MaskRule.of(MaskMethod.KEEP);

    private final Node plain = new Node();
    private final Node envelope = new Node();
    private final Map<String, MaskRule> dictionary;
    private final Map<String, MaskRule> byFieldName = new ConcurrentHashMap<>();
    private boolean usesDateshift;

    /**
     * @param rules      field-path rules (a later rule with the same path wins)
     * @param dictionary normalised field name ({@link #normalise}) -> rule, applied at any depth
     */
    FieldRuleTree(Collection<MaskRule> rules, Map<String, MaskRule> dictionary) {
        this.dictionary = Map.copyOf(dictionary);
        for (MaskRule rule : rules) {
            List<String> names = ((RulePath.Field) rule.path()).names();
            add(plain, names, rule, false);
            add(envelope, names, rule, false);
            String head = names.get(0);
            if (head.equals("after") || head.equals("before")) {
                if (names.size() > 1) {
                    String twin = head.equals("after") ? "before" : "after";
                    add(envelope, concat(twin, names.subList(1, names.size())), rule, true);
                }
            } else {
                add(envelope, concat("after", names), rule, true);
                add(envelope, concat("before", names), rule, true);
            }
            usesDateshift |= rule.method() == MaskMethod.DATESHIFT;
        }
        for (MaskRule rule : dictionary.values()) {
            usesDateshift |= rule.method() == MaskMethod.DATESHIFT;
        }
    }

    private static List<String> concat(String head, List<String> tail) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>(tail.size() + 1);
        names.add(head);
        names.addAll(tail);
        return names;
    }

    /** Adds a rule; a twin (implied for the other half of an envelope) never replaces an explicit rule. */
    private void add(Node root, List<String> names, MaskRule rule, boolean twin) {
        Node node = root;
        for (String name : names) {
            node = node.children.computeIfAbsent(name, n -> new Node());
        }
        if (!twin) {
            explicit.add(node);
            node.rule = rule;
        } else if (!explicit.contains(node)) {
            node.rule = rule;
        }
    }

    private final java.util.Set<Node> explicit = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    public boolean isEmpty() {
        return plain.children.isEmpty() && dictionary.isEmpty();
    }

    boolean usesDateshift() {
        return usesDateshift;
    }

    Node root(boolean debeziumEnvelope) {
        return debeziumEnvelope ? envelope : plain;
    }

    boolean hasDictionary() {
        return !dictionary.isEmpty();
    }

    /** The dictionary rule for a field name, or null. */
    MaskRule byName(String fieldName) {
        if (dictionary.isEmpty()) {
            return null;
        }
        MaskRule rule = byFieldName.get(fieldName);
        if (rule == null) {
            MaskRule found = dictionary.get(normalise(fieldName));
            rule = found == null ? NONE : found;
            if (byFieldName.size() < 10_000) {
                byFieldName.put(fieldName, rule);
            }
        }
        return rule == NONE ? null : rule;
    }

    /** Lower case without separators, so {@code Date_Of_Birth}, {@code dateOfBirth} and {@code date-of-birth} match. */
    public static String normalise(String fieldName) {
        StringBuilder out = new StringBuilder(fieldName.length());
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (c != '_' && c != '-' && c != ' ' && c != '.') {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
