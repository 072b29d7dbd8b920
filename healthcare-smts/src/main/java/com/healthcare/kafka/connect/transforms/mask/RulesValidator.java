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
                MaskRule.parse(rule);
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
                    RulePath.parse(path);
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
