package com.healthcare.kafka.connect.transforms.mask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Reports, on {@code hash.key}, a missing key when the profile or a rule needs one. A recommender is the one hook
 * a transformation's ConfigDef has that sees the other keys during {@code PUT .../config/validate}: its
 * ConfigException becomes an error on this key (Kafka strips the transform's prefix from the keys it sees).
 */
final class HashKeyRecommender implements ConfigDef.Recommender {

    static final int MIN_KEY_LENGTH = 16;

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsed) {
        Object profile = parsed.get(MaskPhiConfig.PROFILE);
        List<MaskRule> rules = new ArrayList<>();
        for (String path : RulesValidator.list(parsed.get(MaskPhiConfig.FIELDS))) {
            if (!path.isBlank()) {
                try {
                    rules.add(new MaskRule(RulePath.parse(path), MaskMethod.REPLACE, null));
                } catch (IllegalArgumentException e) {
                    // reported on 'fields'
                }
            }
        }
        for (String rule : RulesValidator.list(parsed.get(MaskPhiConfig.RULES))) {
            if (!rule.isBlank()) {
                try {
                    rules.add(MaskRule.parse(rule));
                } catch (IllegalArgumentException e) {
                    // reported on 'rules'
                }
            }
        }
        Profile p;
        try {
            p = Profile.of(profile == null ? null : profile.toString());
        } catch (IllegalArgumentException e) {
            return List.of(); // reported on 'profile'
        }
        Object key = parsed.get(name);
        String value = key instanceof Password pw ? pw.value() : null;
        if (value != null && !value.isEmpty()) {
            return List.of(); // its length is the validator's to report
        }
        String problem = problem(p, rules, null);
        if (problem != null) {
            throw new ConfigException(problem);
        }
        return List.of();
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsed) {
        return true;
    }

    /** Why the key is missing or too weak, or null when it is fine. */
    static String problem(Profile profile, List<MaskRule> rules, String key) {
        String user = null;
        if (profile == Profile.PSEUDONYMIZE) {
            user = "the pseudonymize profile";
        } else {
            for (MaskRule rule : rules) {
                if (rule.method().needsKey()) {
                    user = "rule '" + rule + "'";
                    break;
                }
            }
        }
        if (user == null) {
            return null;
        }
        if (key == null || key.isEmpty()) {
            return MaskPhiConfig.HASH_KEY + " is required: " + user + " uses hash or dateshift (keyed HMAC). Set "
                    + MaskPhiConfig.HASH_KEY + " to a secret of at least " + MIN_KEY_LENGTH + " characters,"
                    + " preferably through a config provider";
        }
        if (key.length() < MIN_KEY_LENGTH) {
            return MaskPhiConfig.HASH_KEY + " is too short: at least " + MIN_KEY_LENGTH + " characters, so the"
                    + " pseudonyms cannot be guessed";
        }
        return null;
    }

    /** Checks only what one key alone can show: a key that is set is long enough. */
    static final class KeyValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof Password pw && pw.value() != null && !pw.value().isEmpty()
                    && pw.value().length() < MIN_KEY_LENGTH) {
                throw new ConfigException(name, "[hidden]", "must be at least " + MIN_KEY_LENGTH + " characters");
            }
        }

        @Override
        public String toString() {
            return "at least " + MIN_KEY_LENGTH + " characters";
        }
    }
}
