package com.healthcare.kafka.connect.fhir.sink;

import static com.healthcare.kafka.connect.common.CrossKeyProblems.add;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import com.healthcare.kafka.connect.common.ConfigAliases;
import com.healthcare.kafka.connect.common.CrossKeyProblems;
import com.healthcare.kafka.connect.fhirclient.FhirClientConfig;

/**
 * Every config key of the FHIR R4 sink, with documentation, defaults and validators; the FHIR client keys
 * (connection, TLS, retries, auth) are the shared {@link FhirClientConfig} fragment, so they read exactly as the
 * FHIR source's. Cross-field checks ({@link #problems(Map)}) are reported by {@code validate()} on their key.
 */
public class FhirSinkConnectorConfig extends AbstractConfig {

    public static final String FHIR_URL = "fhir.url";
    public static final String MAX_IN_FLIGHT = "fhir.sink.max.in.flight";
    public static final String BATCH_MODE = "fhir.sink.batch.mode";
    public static final String BATCH_SIZE = "fhir.sink.batch.size";
    public static final String CONDITIONAL_MODE = "fhir.sink.conditional.mode";
    public static final String IDENTIFIER_SYSTEM = "fhir.sink.conditional.identifier.system";
    public static final String DELETE_ENABLED = "fhir.sink.delete.enabled";
    public static final String RETRY_TIMEOUT_MS = "fhir.sink.retry.timeout.ms";
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    public static final String BATCH_NONE = "none";
    public static final String BATCH_TRANSACTION = "transaction";
    public static final String BATCH_BATCH = "batch";

    public static final String CONDITIONAL_NONE = "none";
    public static final String CONDITIONAL_CREATE = "create";
    public static final String CONDITIONAL_UPDATE = "update";

    private static final String GROUP_SERVER = "FHIR server";
    private static final String GROUP_AUTH = "Authentication";
    private static final String GROUP_WRITE = "Writing";

    /** Seed 001's key names, accepted as documented synonyms (as the FHIR source does). */
    public static final ConfigAliases ALIASES = ConfigAliases.builder()
            .alias("fhir.server.url", FHIR_URL)
            .alias("fhir.server.auth.type", FhirClientConfig.AUTH_TYPE)
            .alias("fhir.server.auth.oauth2.token.url", FhirClientConfig.OAUTH_TOKEN_ENDPOINT)
            .alias("fhir.server.auth.oauth2.client.id", FhirClientConfig.OAUTH_CLIENT_ID)
            .alias("fhir.server.auth.oauth2.client.secret", FhirClientConfig.OAUTH_CLIENT_SECRET)
            .alias("fhir.server.auth.oauth2.scope", FhirClientConfig.OAUTH_SCOPE)
            .build();

    public static final ConfigDef CONFIG_DEF = configDef();

    public FhirSinkConnectorConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.canonicalize(props));
    }

    /** Parses and fails with every cross-field problem at once, as validate() reports them. */
    public static FhirSinkConnectorConfig parseStrict(Map<String, String> props) {
        FhirSinkConnectorConfig config = new FhirSinkConnectorConfig(props);
        CrossKeyProblems.throwIfAny("Invalid FHIR sink configuration:", problems(props));
        return config;
    }

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(FHIR_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, FhirClientConfig.httpUrlValidator(false),
                Importance.HIGH, "Base URL of the FHIR R4 server written to, e.g. https://fhir.example.org/fhir.",
                GROUP_SERVER, ++order, Width.LONG, "FHIR base URL");
        FhirClientConfig.defineConnection(def, GROUP_SERVER, order);
        FhirClientConfig.defineAuth(def, GROUP_AUTH);

        order = 0;
        def
                .define(MAX_IN_FLIGHT, Type.INT, 4, Range.between(1, 64), Importance.MEDIUM,
                        "Requests one task has in flight to the FHIR server at once. Records of one Kafka key are "
                                + "never in flight together (their order holds); records of different keys are "
                                + "written in parallel up to this number.",
                        GROUP_WRITE, ++order, Width.SHORT, "Requests in flight")
                .define(BATCH_MODE, Type.STRING, BATCH_NONE,
                        ConfigDef.CaseInsensitiveValidString.in(BATCH_NONE, BATCH_TRANSACTION, BATCH_BATCH),
                        Importance.MEDIUM, "How records holding one resource are sent: none (one request per "
                                + "record), transaction (up to " + BATCH_SIZE + " records of one put() in one "
                                + "transaction Bundle; when the server rejects it, its records are retried one by "
                                + "one so only the bad one is an error) or batch (one batch Bundle; each entry's "
                                + "response is mapped back to its record). Records holding a Bundle are always "
                                + "POSTed as they are.",
                        GROUP_WRITE, ++order, Width.SHORT, "Batch mode")
                .define(BATCH_SIZE, Type.INT, 50, Range.between(1, 1000), Importance.LOW,
                        "Most records grouped into one transaction or batch request.",
                        GROUP_WRITE, ++order, Width.SHORT, "Batch size")
                .define(CONDITIONAL_MODE, Type.STRING, CONDITIONAL_NONE,
                        ConfigDef.CaseInsensitiveValidString.in(CONDITIONAL_NONE, CONDITIONAL_CREATE,
                                CONDITIONAL_UPDATE),
                        Importance.MEDIUM, "How a resource without an id is written: none (POST [base]/Type, the "
                                + "server assigns an id; a replay creates it again), create (POST with If-None-Exist "
                                + "on its identifier: created once) or update (PUT [base]/Type?identifier=...: "
                                + "created once, then updated). Needs an identifier in the resource (see "
                                + IDENTIFIER_SYSTEM + "); a resource without one is written with a plain POST.",
                        GROUP_WRITE, ++order, Width.SHORT, "Conditional writes")
                .define(IDENTIFIER_SYSTEM, Type.STRING, "", Importance.LOW,
                        "The identifier system used for conditional writes; empty: the resource's first "
                                + "identifier with a system and a value.",
                        GROUP_WRITE, ++order, Width.LONG, "Identifier system")
                .define(DELETE_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                        "A tombstone (null value) whose key is 'Type/id' deletes that resource (DELETE "
                                + "[base]/Type/id; an already deleted or unknown resource counts as deleted). false: "
                                + "tombstones are skipped and counted in the TombstonesSkipped metric.",
                        GROUP_WRITE, ++order, Width.SHORT, "Delete on tombstone")
                .define(RETRY_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                        "After a request ran out of retries (" + FhirClientConfig.RETRY_MAX_ATTEMPTS + ") on 429, "
                                + "5xx or I/O errors, the task asks the worker to redeliver the unconfirmed records "
                                + "after this pause (context.timeout and RetriableException): nothing is lost.",
                        GROUP_WRITE, ++order, Width.SHORT, "Pause after failed retries (ms)");
        return def;
    }

    /**
     * Problems that single-key validators cannot see, keyed by the canonical key they belong to. Keys that fail
     * their own validator are left to ConfigDef.
     */
    public static Map<String, List<String>> problems(Map<String, String> rawProps) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        problems.putAll(ALIASES.conflictsByKey(rawProps));
        Map<String, String> props = ALIASES.canonicalize(rawProps);
        FhirClientConfig.addProblems(props, problems);
        String system = props.getOrDefault(IDENTIFIER_SYSTEM, "").trim();
        String conditional = lower(props.getOrDefault(CONDITIONAL_MODE, CONDITIONAL_NONE));
        if (!system.isEmpty() && conditional.equals(CONDITIONAL_NONE)) {
            add(problems, IDENTIFIER_SYSTEM, "is only used when "
                    + CONDITIONAL_MODE + " is create or update; set that too, or leave this empty");
        }
        if (!system.isEmpty() && (system.contains("|") || system.contains(" "))) {
            add(problems, IDENTIFIER_SYSTEM, "must be a system URI "
                    + "without '|' or spaces, e.g. urn:oid:2.16.840.1.113883.19.5");
        }
        String tolerance = lower(props.getOrDefault(ERRORS_TOLERANCE, "none"));
        String dlq = props.getOrDefault("errors.deadletterqueue.topic.name", "").trim();
        if (!dlq.isEmpty() && !tolerance.equals("all")) {
            add(problems, ERRORS_TOLERANCE, "is '" + tolerance + "' but "
                    + "errors.deadletterqueue.topic.name is set: rejected records reach the dead letter queue only "
                    + "with errors.tolerance=all (otherwise the first one fails the task)");
        }
        return problems;
    }

    /** Base URL without a trailing slash. */
    public String fhirUrl() {
        String url = getString(FHIR_URL).trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    public FhirClientConfig client() {
        return FhirClientConfig.from(this);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    public String batchMode() {
        return lower(getString(BATCH_MODE));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public String conditionalMode() {
        return lower(getString(CONDITIONAL_MODE));
    }

    /** The identifier system of conditional writes, or null for the first identifier. */
    public String identifierSystem() {
        String s = getString(IDENTIFIER_SYSTEM);
        return s == null || s.isBlank() ? null : s.trim();
    }

    public boolean deleteEnabled() {
        return getBoolean(DELETE_ENABLED);
    }

    public long retryTimeoutMs() {
        return getLong(RETRY_TIMEOUT_MS);
    }

    /** Connect's errors.tolerance of this connector ("none" when unset): all sends rejected records to the DLQ. */
    public static boolean toleratesAll(Map<String, String> props) {
        return "all".equals(lower(props.getOrDefault(ERRORS_TOLERANCE, "none")));
    }

    static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

}
