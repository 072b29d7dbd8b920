package com.healthcare.kafka.connect.common;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;

/**
 * Keys that only mean something to Confluent Cloud's managed connectors ({@code kafka.api.key},
 * {@code output.data.format}, {@code confluent.*}, {@code reporter.*} ...). Users paste such configs; the
 * keys are ignored with one warning per connector start, never a failure.
 */
public final class IgnoredCloudKeys {

    private static final Set<String> EXACT = Set.of(
            "kafka.auth.mode", "kafka.api.key", "kafka.api.secret", "kafka.service.account.id",
            "output.data.format", "output.key.format", "input.data.format", "input.key.format",
            "schema.context.name", "monitoring.interceptor.enabled");

    private static final List<String> PREFIXES = List.of(
            "confluent.", "reporter.", "schema.registry.");

    private IgnoredCloudKeys() {
    }

    public static boolean isIgnored(String key) {
        if (EXACT.contains(key)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The ignored keys present in {@code props}, sorted. */
    public static Set<String> present(Map<String, String> props) {
        Set<String> found = new TreeSet<>();
        for (String key : props.keySet()) {
            if (isIgnored(key)) {
                found.add(key);
            }
        }
        return found;
    }

    /** Logs one warning naming the ignored keys (names only, never values: they may be secrets). */
    public static void warnIfPresent(Logger log, String connectorName, Map<String, String> props) {
        warnIfPresent(log, connectorName, props, Set.of());
    }

    /** As {@link #warnIfPresent(Logger, String, Map)}, also naming plugin-specific meaningless keys. */
    public static void warnIfPresent(Logger log, String connectorName, Map<String, String> props,
                                     Set<String> alsoIgnored) {
        Set<String> found = present(props);
        for (String key : alsoIgnored) {
            if (props.containsKey(key)) {
                found.add(key);
            }
        }
        if (!found.isEmpty()) {
            log.warn("Connector {}: ignoring {} key(s) that have no meaning outside Confluent Cloud or for this "
                    + "plugin: {}", connectorName, found.size(), found);
        }
    }
}
