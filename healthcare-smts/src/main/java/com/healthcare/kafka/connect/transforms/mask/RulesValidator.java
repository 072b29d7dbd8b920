package com.healthcare.kafka.connect.transforms.mask;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Checks 'rules' (and, in its nested classes, 'fields' and 'zip3.restricted') for the REST validate endpoint. */
final class RulesValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        List<String> problems = new ArrayList<>();
        for (String rule : list(value)) {
            if (rule.isBlank()) {
                continue;
            }
            try {
                String missing = PathChecks.problem(MaskRule.parse(rule).path());
                if (missing != null) {
                    problems.add(missing);
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(name, value, String.join("; ", problems));
        }
    }

    @Override
    public String toString() {
        return "path:method[:argument], methods " + MaskMethod.tokens();
    }

    /**
     * Reports, on 'profile', a configuration that masks nothing: profile none and no rule or field that changes
     * a value. A recommender, like {@link HashKeyRecommender}: the one hook that sees the other keys.
     */
    static final class MasksNothing implements ConfigDef.Recommender {
        @Override
        public List<Object> validValues(String name, java.util.Map<String, Object> parsed) {
            Object profile = parsed.get(MaskPhiConfig.PROFILE);
            if (profile != null && "none".equalsIgnoreCase(profile.toString().trim())
                    && masksNothing(list(parsed.get(MaskPhiConfig.RULES)), list(parsed.get(MaskPhiConfig.FIELDS)))) {
                throw new ConfigException(PROBLEM);
            }
            return List.of();
        }

        @Override
        public boolean visible(String name, java.util.Map<String, Object> parsed) {
            return true;
        }
    }

    static final String PROBLEM = "this MaskPhi masks nothing: profile is none and no rule or field masks a"
            + " value; set profile=safe-harbor or pseudonymize, or rules (path:method), or fields";

    /** Whether neither the rules (unparseable ones are reported on 'rules') nor the fields mask anything. */
    static boolean masksNothing(List<String> rules, List<String> fields) {
        for (String field : fields) {
            if (!field.isBlank()) {
                return false;
            }
        }
        for (String rule : rules) {
            if (rule.isBlank()) {
                continue;
            }
            try {
                if (MaskRule.parse(rule).method() != MaskMethod.KEEP) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false; // reported on 'rules'
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    static List<String> list(Object value) {
        return value instanceof List<?> list ? (List<String>) list : List.of();
    }

    /** 'fields': paths only. */
    static final class Paths implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<String> problems = new ArrayList<>();
            for (String path : list(value)) {
                if (path.isBlank()) {
                    continue;
                }
                try {
                    String missing = PathChecks.problem(RulePath.parse(path));
                    if (missing != null) {
                        problems.add(missing);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("'" + path + "': " + e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(name, value, String.join("; ", problems));
            }
        }

        @Override
        public String toString() {
            return "HL7 (PID.19, PID-11.5), FHIR (Patient.name) or field (after.ssn) paths";
        }
    }

    /** 'zip3.restricted': 3-digit strings. */
    static final class Zip3 implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            for (String zip : list(value)) {
                if (!zip.matches("\\d{3}")) {
                    throw new ConfigException(name, value, "each entry must be 3 digits, e.g. 036");
                }
            }
        }

        @Override
        public String toString() {
            return "3-digit ZIP prefixes";
        }
    }
}
