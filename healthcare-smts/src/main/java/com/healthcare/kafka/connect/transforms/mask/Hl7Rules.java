package com.healthcare.kafka.connect.transforms.mask;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HL7 v2 rules indexed by segment, field, component and subcomponent. The most specific rule wins for its part;
 * a coarser rule applies to the parts that have none of their own (so {@code PID-11:redact} with
 * {@code PID-11.4:keep} removes the whole address but the state).
 */
public final class Hl7Rules {

    static final class ComponentRules {
        MaskRule rule;
        MaskRule[] subs;
    }

    static final class FieldRules {
        MaskRule rule;
        ComponentRules[] components;
    }

    private final Map<String, FieldRules[]> segments = new HashMap<>();
    private final Map<String, FieldRules> obx5ByValueType = new HashMap<>();
    private final Set<String> ageObservationCodes;
    private final FieldRules ageObservation;
    private boolean usesDateshift;

    /**
     * @param rules            HL7 rules, one per path (later paths replace earlier ones with the same canonical path)
     * @param obx5ByValueType  what OBX-5 gets by OBX-2 value type (e.g. ED: redact) when no rule names OBX-5
     * @param ageCodes         OBX-3.1 codes of age observations whose OBX-5 gets {@code ageRule}
     */
    Hl7Rules(Collection<MaskRule> rules, Map<String, MaskRule> obx5ByValueType, Set<String> ageCodes,
             MaskRule ageRule) {
        for (MaskRule rule : rules) {
            add(rule);
        }
        obx5ByValueType.forEach((type, rule) -> {
            FieldRules f = new FieldRules();
            f.rule = rule;
            this.obx5ByValueType.put(type.toUpperCase(Locale.ROOT), f);
            usesDateshift |= rule.method() == MaskMethod.DATESHIFT;
        });
        this.ageObservationCodes = Set.copyOf(ageCodes);
        if (ageRule != null && !ageCodes.isEmpty()) {
            ageObservation = new FieldRules();
            ageObservation.rule = ageRule;
        } else {
            ageObservation = null;
        }
    }

    private void add(MaskRule rule) {
        RulePath.Hl7 p = (RulePath.Hl7) rule.path();
        usesDateshift |= rule.method() == MaskMethod.DATESHIFT;
        FieldRules[] fields = segments.computeIfAbsent(p.segment(), s -> new FieldRules[0]);
        if (fields.length <= p.field()) {
            FieldRules[] grown = new FieldRules[p.field() + 1];
            System.arraycopy(fields, 0, grown, 0, fields.length);
            fields = grown;
            segments.put(p.segment(), fields);
        }
        FieldRules field = fields[p.field()];
        if (field == null) {
            field = new FieldRules();
            fields[p.field()] = field;
        }
        if (p.component() == 0) {
            field.rule = rule;
            return;
        }
        if (field.components == null || field.components.length <= p.component()) {
            ComponentRules[] grown = new ComponentRules[p.component() + 1];
            if (field.components != null) {
                System.arraycopy(field.components, 0, grown, 0, field.components.length);
            }
            field.components = grown;
        }
        ComponentRules component = field.components[p.component()];
        if (component == null) {
            component = new ComponentRules();
            field.components[p.component()] = component;
        }
        if (p.subcomponent() == 0) {
            component.rule = rule;
            return;
        }
        if (component.subs == null || component.subs.length <= p.subcomponent()) {
            MaskRule[] grown = new MaskRule[p.subcomponent() + 1];
            if (component.subs != null) {
                System.arraycopy(component.subs, 0, grown, 0, component.subs.length);
            }
            component.subs = grown;
        }
        component.subs[p.subcomponent()] = rule;
    }

    public boolean isEmpty() {
        return segments.isEmpty() && obx5ByValueType.isEmpty() && ageObservation == null;
    }

    boolean usesDateshift() {
        return usesDateshift;
    }

    FieldRules[] segment(String name) {
        return segments.get(name);
    }

    boolean hasObxValueRules() {
        return !obx5ByValueType.isEmpty() || ageObservation != null;
    }

    boolean isAgeObservation(FieldRules rules) {
        return rules != null && rules == ageObservation;
    }

    FieldRules obx5For(String valueType, String observationCode) {
        FieldRules byType = obx5ByValueType.get(valueType);
        if (byType != null) {
            return byType;
        }
        return ageObservation != null && ageObservationCodes.contains(observationCode) ? ageObservation : null;
    }

    /**
     * The rule that governs {@code SEG-field.component} (0 = the whole field): its own, else its field's; null
     * when none. Used to mask the HL7 source's structured fields the same way as the text they come from.
     */
    public MaskRule effective(String segment, int field, int component) {
        FieldRules[] fields = segments.get(segment);
        if (fields == null || fields.length <= field || fields[field] == null) {
            return null;
        }
        FieldRules f = fields[field];
        if (component > 0 && f.components != null && f.components.length > component
                && f.components[component] != null && f.components[component].rule != null) {
            return f.components[component].rule;
        }
        return f.rule;
    }
}
