package com.healthcare.kafka.connect.transforms.mask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profile's rules and the user's, merged per kind of path (a user rule replaces a profile rule with the same
 * canonical path) and compiled for each masker.
 */
final class RuleSets {

    /** Age observations (LOINC): age, age patient qn reported, age at specimen collection. */
    static final Set<String> AGE_OBSERVATION_CODES = Set.of("30525-0", "21612-7", "29553-5");

    final Hl7Rules hl7;
    final FhirRules fhir;
    final FhirSweeps sweeps;
    final FieldRuleTree fields;
    final FieldRuleTree hl7MessageFields;
    final FieldRuleTree keyFields;
    /** Whether a profile or a text (HL7/FHIR) rule is set: then unrecognised text fails instead of passing. */
    final boolean textRules;
    /** Whether the user named the HL7 Struct's raw field: then it gets that rule instead of HL7 masking. */
    final boolean userRawRule;

    RuleSets(MaskPhiConfig.Settings settings) {
        Profile profile = settings.profile();
        Map<String, MaskRule> hl7Rules = new LinkedHashMap<>();
        Map<String, MaskRule> fhirRules = new LinkedHashMap<>();
        Map<String, MaskRule> fieldRules = new LinkedHashMap<>();
        Map<String, MaskRule> dictionary = new HashMap<>();
        if (profile != Profile.NONE) {
            for (PhiElements.Element e : PhiElements.all()) {
                if (e.freeText() && !settings.freeTextRedact()) {
                    continue;
                }
                for (String text : profile == Profile.SAFE_HARBOR ? e.safeHarbor() : e.pseudonymize()) {
                    MaskRule rule = MaskRule.parse(text);
                    switch (e.format()) {
                        case HL7 -> hl7Rules.put(rule.path().canonical(), rule);
                        case FHIR -> fhirRules.put(rule.path().canonical(), rule);
                        case FIELD -> dictionary.put(FieldRuleTree.normalise(rule.path().canonical()), rule);
                        default -> { }
                    }
                }
            }
        }
        for (MaskRule rule : settings.userRules()) {
            String path = rule.path().canonical();
            if (rule.path() instanceof RulePath.Hl7) {
                hl7Rules.put(path, rule);
            } else if (rule.path() instanceof RulePath.Fhir) {
                fhirRules.put(path, rule);
            } else {
                fieldRules.put(path, rule);
            }
        }
        Map<String, MaskRule> obx5 = new HashMap<>();
        if (profile != Profile.NONE) {
            obx5.put("ED", MaskRule.of(MaskMethod.REDACT));
            if (settings.freeTextRedact()) {
                settings.freeTextTypes().forEach(t -> obx5.put(t, MaskRule.of(MaskMethod.REDACT)));
            }
        }
        hl7 = new Hl7Rules(hl7Rules.values(), obx5,
                profile == Profile.NONE ? Set.of() : AGE_OBSERVATION_CODES, MaskRule.of(MaskMethod.AGE90));
        fhir = new FhirRules(fhirRules.values());
        sweeps = switch (profile) {
            case NONE -> FhirSweeps.NONE;
            case SAFE_HARBOR -> new FhirSweeps(MaskMethod.YEAR, true, MaskRule.of(MaskMethod.REDACT), true, true,
                    true, true);
            case PSEUDONYMIZE -> new FhirSweeps(MaskMethod.DATESHIFT, true, MaskRule.of(MaskMethod.HASH), true, true,
                    true, true);
        };
        fields = new FieldRuleTree(fieldRules.values(), dictionary);
        keyFields = fields;

        // The HL7 source's Struct: its structured fields follow the rules of the HL7 fields they come from.
        List<MaskRule> messageRules = new ArrayList<>();
        mapField(messageRules, "patient_id", hl7.effective("PID", 3, 1));
        mapField(messageRules, "patient_id_authority", hl7.effective("PID", 3, 4));
        mapField(messageRules, "message_time", hl7.effective("MSH", 7, 0));
        mapField(messageRules, "received_at", hl7.effective("MSH", 7, 0));
        messageRules.add(new MaskRule(new RulePath.Field(List.of("raw")), MaskMethod.KEEP, null));
        messageRules.addAll(fieldRules.values());
        userRawRule = fieldRules.containsKey("raw");
        hl7MessageFields = new FieldRuleTree(messageRules, dictionary);
        textRules = profile != Profile.NONE || !hl7.isEmpty() || !fhir.isEmpty();
    }

    private static void mapField(List<MaskRule> rules, String field, MaskRule hl7Rule) {
        if (hl7Rule != null) {
            rules.add(hl7Rule.at(new RulePath.Field(List.of(field))));
        }
    }
}
