package com.healthcare.kafka.connect.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Documented synonyms for canonical config keys (for example seed 001's {@code port} for
 * {@code hl7.listener.port}). A synonym's value is moved to its canonical key before the config is parsed;
 * giving both with different values is a conflict the connector reports on validation.
 */
public final class ConfigAliases {

    private final Map<String, String> aliasToCanonical;

    private ConfigAliases(Map<String, String> aliasToCanonical) {
        this.aliasToCanonical = Collections.unmodifiableMap(new LinkedHashMap<>(aliasToCanonical));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** alias -> canonical key, in declaration order. */
    public Map<String, String> aliases() {
        return aliasToCanonical;
    }

    /** The canonical key for {@code key}, or {@code key} itself when it is not an alias. */
    public String canonical(String key) {
        return aliasToCanonical.getOrDefault(key, key);
    }

    /**
     * A copy of {@code props} in which every alias is replaced by its canonical key. When both are present the
     * canonical key wins; {@link #conflicts(Map)} reports it when the values differ.
     */
    public Map<String, String> canonicalize(Map<String, String> props) {
        Map<String, String> result = new LinkedHashMap<>(props.size());
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (!aliasToCanonical.containsKey(e.getKey())) {
                result.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> alias : aliasToCanonical.entrySet()) {
            String value = props.get(alias.getKey());
            if (value != null) {
                result.putIfAbsent(alias.getValue(), value);
            }
        }
        return result;
    }

    /** Human-readable messages, one per alias given together with its canonical key but a different value. */
    public List<String> conflicts(Map<String, String> props) {
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<String, String> alias : aliasToCanonical.entrySet()) {
            String aliasValue = props.get(alias.getKey());
            String canonicalValue = props.get(alias.getValue());
            if (aliasValue != null && canonicalValue != null && !Objects.equals(aliasValue, canonicalValue)) {
                conflicts.add(conflict(alias.getKey(), alias.getValue()));
            }
        }
        return conflicts;
    }

    /**
     * The {@link #conflicts(Map)} keyed by the canonical key each belongs to (where validate() reports it), in
     * declaration order.
     */
    public Map<String, List<String>> conflictsByKey(Map<String, String> props) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (Map.Entry<String, String> alias : aliasToCanonical.entrySet()) {
            String aliasValue = props.get(alias.getKey());
            String canonicalValue = props.get(alias.getValue());
            if (aliasValue != null && canonicalValue != null && !Objects.equals(aliasValue, canonicalValue)) {
                byKey.computeIfAbsent(alias.getValue(), k -> new ArrayList<>())
                        .add(conflict(alias.getKey(), alias.getValue()));
            }
        }
        return byKey;
    }

    private static String conflict(String alias, String canonical) {
        return "'" + alias + "' is a synonym of '" + canonical + "' but both are set, to different values; set only '"
                + canonical + "'";
    }

    /** Builder keeping declaration order so docs list synonyms predictably. */
    public static final class Builder {
        private final Map<String, String> map = new LinkedHashMap<>();

        public Builder alias(String alias, String canonical) {
            map.put(alias, canonical);
            return this;
        }

        public ConfigAliases build() {
            return new ConfigAliases(map);
        }
    }
}
