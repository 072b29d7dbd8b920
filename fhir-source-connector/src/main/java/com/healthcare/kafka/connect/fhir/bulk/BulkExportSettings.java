package com.healthcare.kafka.connect.fhir.bulk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The keys of the initial load: {@code _lastUpdated} paging (the default) or a Bulk Data {@code $export}
 * (FHIR Bulk Data Access IG) whose NDJSON files are streamed into the same records, then handed over to polling at
 * the export's transactionTime.
 */
public record BulkExportSettings(String level, String groupId, long minPollIntervalMs, long maxRetryAfterMs) {

    public static final String INITIAL_LOAD = "fhir.initial.load";
    public static final String LEVEL = "fhir.bulk.export.level";
    public static final String GROUP_ID = "fhir.bulk.export.group.id";
    public static final String POLL_INTERVAL_MS = "fhir.bulk.export.poll.interval.ms";
    public static final String RETRY_AFTER_MAX_MS = "fhir.bulk.export.retry.after.max.ms";
    /** The longest Retry-After honoured by default, as for every other request of the client. */
    public static final long DEFAULT_RETRY_AFTER_MAX_MS = 15 * 60_000L;

    public static final String PAGING = "paging";
    public static final String BULK_EXPORT = "bulk-export";
    public static final String SYSTEM = "system";
    public static final String PATIENT = "patient";
    public static final String GROUP = "group";

    /** Appends the keys to {@code group}; returns the last order. */
    public static int define(ConfigDef def, String group, int order) {
        def
                .define(INITIAL_LOAD, Type.STRING, PAGING, ConfigDef.CaseInsensitiveValidString.in(PAGING, BULK_EXPORT),
                        Importance.MEDIUM, "How a type with no stored offset is loaded first: 'paging' (searches "
                                + "by _lastUpdated, page by page) or 'bulk-export' (a Bulk Data $export of all the "
                                + "types, its NDJSON files streamed into the same records and resumed by file and "
                                + "line after a restart, then incremental polling from the export's "
                                + "transactionTime). Bulk export is far faster on a large server that supports it.",
                        group, ++order, Width.SHORT, "Initial load")
                .define(LEVEL, Type.STRING, SYSTEM, ConfigDef.CaseInsensitiveValidString.in(SYSTEM, PATIENT, GROUP),
                        Importance.LOW, "Which $export: 'system' ([base]/$export), 'patient' "
                                + "([base]/Patient/$export, the Patient compartments) or 'group' "
                                + "([base]/Group/[id]/$export, with " + GROUP_ID + ").",
                        group, ++order, Width.SHORT, "Bulk export level")
                .define(GROUP_ID, Type.STRING, null, Importance.LOW,
                        "The Group id for " + LEVEL + "=group.",
                        group, ++order, Width.MEDIUM, "Bulk export group")
                .define(POLL_INTERVAL_MS, Type.LONG, 2_000L, Range.atLeast(100), Importance.LOW,
                        "Shortest wait between two status requests of a running export; a longer Retry-After "
                                + "from the server is honoured.",
                        group, ++order, Width.SHORT, "Bulk status poll (ms)")
                .define(RETRY_AFTER_MAX_MS, Type.LONG, DEFAULT_RETRY_AFTER_MAX_MS, Range.atLeast(100),
                        Importance.LOW, "Longest wait between two status requests: a longer Retry-After is cut to "
                                + "this. Some servers answer every status request with a fixed Retry-After (HAPI "
                                + "FHIR JPA: 120 s) however soon the export completes; lower this to pick up small "
                                + "exports sooner.",
                        group, ++order, Width.SHORT, "Bulk Retry-After cap (ms)");
        return order;
    }

    public static void addProblems(Map<String, String> props, Map<String, List<String>> problems) {
        if (!BULK_EXPORT.equalsIgnoreCase(props.getOrDefault(INITIAL_LOAD, PAGING).trim())) {
            return;
        }
        if (GROUP.equalsIgnoreCase(props.getOrDefault(LEVEL, SYSTEM).trim())) {
            String id = props.get(GROUP_ID);
            if (id == null || id.isBlank()) {
                problems.computeIfAbsent(GROUP_ID, k -> new ArrayList<>())
                        .add("is required when " + LEVEL + "=group");
            }
        }
    }

    /** The settings when {@code fhir.initial.load=bulk-export}, else null. */
    public static BulkExportSettings from(AbstractConfig config) {
        if (!BULK_EXPORT.equalsIgnoreCase(config.getString(INITIAL_LOAD))) {
            return null;
        }
        return new BulkExportSettings(config.getString(LEVEL).toLowerCase(Locale.ROOT), config.getString(GROUP_ID),
                config.getLong(POLL_INTERVAL_MS), config.getLong(RETRY_AFTER_MAX_MS));
    }

    /** The kick-off URL for {@code types} on {@code base}. */
    public String kickOffUrl(String base, List<String> types) {
        String root = base.replaceAll("/+$", "");
        String path = switch (level) {
            case PATIENT -> "/Patient/$export";
            case GROUP -> "/Group/" + groupId.trim() + "/$export";
            default -> "/$export";
        };
        return root + path + "?_outputFormat=" + java.net.URLEncoder.encode("application/fhir+ndjson",
                java.nio.charset.StandardCharsets.UTF_8) + "&_type=" + String.join(",", types);
    }
}
