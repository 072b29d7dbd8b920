package com.healthcare.kafka.connect.fhir;

import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.canonicalInstant;
import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.fhirVersionValidator;
import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.headerValidator;
import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.resourceTypesValidator;
import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.sinceValidator;
import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.subscriptionTypeValidator;
import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.topicPrefixValidator;
import static com.healthcare.kafka.connect.fhir.config.SourceConfigValidators.trimmed;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

import com.healthcare.kafka.connect.common.ConfigAliases;
import com.healthcare.kafka.connect.common.CrossKeyProblems;
import com.healthcare.kafka.connect.common.TlsConfig;
import com.healthcare.kafka.connect.fhir.bulk.BulkExportSettings;
import com.healthcare.kafka.connect.fhir.config.QueryParameters;
import com.healthcare.kafka.connect.fhir.config.SubscriptionCriteria;
import com.healthcare.kafka.connect.fhirclient.FhirClientConfig;

/**
 * Every config key of the FHIR R4 source, with documentation, defaults, validators, and the cross-field checks
 * ({@link #problems(Map)}) that the connector's {@code validate()} reports on the right key.
 */
public class FhirSourceConnectorConfig extends AbstractConfig {

    // FHIR server
    public static final String FHIR_URL = "fhir.url";
    public static final String FHIR_VERSION = "fhir.version";
    public static final String CONNECT_TIMEOUT_MS = FhirClientConfig.CONNECT_TIMEOUT_MS;
    public static final String READ_TIMEOUT_MS = FhirClientConfig.READ_TIMEOUT_MS;
    public static final String CONCURRENT_REQUESTS = "fhir.concurrent.requests";
    public static final String GZIP_ENABLED = FhirClientConfig.GZIP_ENABLED;
    public static final String TRUSTSTORE_LOCATION = FhirClientConfig.TRUSTSTORE_LOCATION;
    public static final String TRUSTSTORE_PASSWORD = FhirClientConfig.TRUSTSTORE_PASSWORD;
    public static final String TRUSTSTORE_TYPE = FhirClientConfig.TRUSTSTORE_TYPE;
    public static final String RETRY_BACKOFF_MS = FhirClientConfig.RETRY_BACKOFF_MS;
    public static final String RETRY_BACKOFF_MAX_MS = FhirClientConfig.RETRY_BACKOFF_MAX_MS;
    public static final String RETRY_MAX_ATTEMPTS = FhirClientConfig.RETRY_MAX_ATTEMPTS;

    // Authentication
    public static final String AUTH_TYPE = FhirClientConfig.AUTH_TYPE;
    public static final String BEARER_TOKEN = FhirClientConfig.BEARER_TOKEN;
    public static final String BASIC_USERNAME = FhirClientConfig.BASIC_USERNAME;
    public static final String BASIC_PASSWORD = FhirClientConfig.BASIC_PASSWORD;
    public static final String OAUTH_TOKEN_ENDPOINT = FhirClientConfig.OAUTH_TOKEN_ENDPOINT;
    public static final String OAUTH_CLIENT_ID = FhirClientConfig.OAUTH_CLIENT_ID;
    public static final String OAUTH_CLIENT_SECRET = FhirClientConfig.OAUTH_CLIENT_SECRET;
    public static final String OAUTH_SCOPE = FhirClientConfig.OAUTH_SCOPE;
    public static final String OAUTH_CLIENT_AUTH_METHOD = FhirClientConfig.OAUTH_CLIENT_AUTH_METHOD;

    // Polling
    public static final String RESOURCE_TYPES = "fhir.resource.types";
    public static final String QUERY_PARAMETERS = "fhir.resource.query.parameters";
    public static final String POLL_INTERVAL_MS = "fhir.poll.interval.ms";
    public static final String PAGE_SIZE = "fhir.page.size";
    public static final String SINCE = "fhir.since";
    public static final String DELETES_ENABLED = "fhir.deletes.enabled";

    // Subscription
    public static final String SUBSCRIPTION_ENABLED = "fhir.subscription.enabled";
    public static final String SUBSCRIPTION_TYPE = "fhir.subscription.type";
    public static final String SUBSCRIPTION_CRITERIA = "fhir.subscription.criteria";
    public static final String SUBSCRIPTION_ENDPOINT = "fhir.subscription.channel.endpoint";
    public static final String SUBSCRIPTION_HEADER = "fhir.subscription.channel.header";
    public static final String SUBSCRIPTION_LISTENER_PORT = "fhir.subscription.listener.port";
    public static final String SUBSCRIPTION_LISTENER_BIND = "fhir.subscription.listener.bind.address";
    public static final String SUBSCRIPTION_TTL_MS = "fhir.subscription.ttl.ms";
    public static final String SUBSCRIPTION_ACK_TIMEOUT_MS = "fhir.subscription.ack.timeout.ms";
    public static final String SUBSCRIPTION_TLS_PREFIX = "fhir.subscription.listener.ssl.";
    public static final String LISTENER_HEADER_TIMEOUT_MS = "fhir.subscription.listener.header.timeout.ms";
    public static final String LISTENER_BODY_TIMEOUT_MS = "fhir.subscription.listener.body.timeout.ms";
    public static final String LISTENER_MAX_CONNECTIONS = "fhir.subscription.listener.max.connections";
    public static final String LISTENER_MAX_CONNECTIONS_PER_ADDRESS =
            "fhir.subscription.listener.max.connections.per.address";
    public static final String LISTENER_MAX_BODY_BYTES = "fhir.subscription.listener.max.body.bytes";

    // Output
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String MAX_BATCH_SIZE = "max.batch.size";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String RECORD_MAX_BYTES = "fhir.record.max.bytes";
    public static final String ERROR_TOPIC = "fhir.error.topic";
    static final String PRODUCER_MAX_REQUEST_SIZE = "producer.override.max.request.size";

    public static final String AUTH_NONE = FhirClientConfig.AUTH_NONE;
    public static final String AUTH_BASIC = FhirClientConfig.AUTH_BASIC;
    public static final String AUTH_BEARER = FhirClientConfig.AUTH_BEARER;
    public static final String AUTH_OAUTH2 = FhirClientConfig.AUTH_OAUTH2;

    /** Where the listener serves notifications when no channel endpoint is configured. */
    public static final String DEFAULT_WEBHOOK_PATH = "/fhir-webhook";

    private static final String GROUP_SERVER = "FHIR server";
    private static final String GROUP_AUTH = "Authentication";
    private static final String GROUP_POLL = "Polling";
    private static final String GROUP_SUBSCRIPTION = "Subscription";
    static final String GROUP_LISTENER_TLS = "Subscription listener TLS";
    private static final String GROUP_OUTPUT = "Output";

    /** Seed 001's keys, accepted as documented synonyms. */
    public static final ConfigAliases ALIASES = ConfigAliases.builder()
            .alias("fhir.server.url", FHIR_URL)
            .alias("fhir.resources", RESOURCE_TYPES)
            .alias("fhir.server.auth.type", AUTH_TYPE)
            .alias("fhir.server.auth.oauth2.token.url", OAUTH_TOKEN_ENDPOINT)
            .alias("fhir.server.auth.oauth2.client.id", OAUTH_CLIENT_ID)
            .alias("fhir.server.auth.oauth2.client.secret", OAUTH_CLIENT_SECRET)
            .alias("fhir.server.auth.oauth2.scope", OAUTH_SCOPE)
            .build();

    /**
     * Keys of pasted configs (seed 000) that mean nothing to this plugin, named in the one "ignored keys"
     * warning: exactly-once is the worker's {@code exactly.once.source.support}, and the poll cadence is
     * {@code fhir.poll.interval.ms}.
     */
    public static final Set<String> IGNORED_KEYS = Set.of("processing.guarantee", "poll.interval.ms");

    public static final ConfigDef CONFIG_DEF = configDef();

    private final QueryParameters queryParameters;

    public FhirSourceConnectorConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.canonicalize(props));
        this.queryParameters = QueryParameters.parse(getString(QUERY_PARAMETERS), resourceTypes());
    }

    /** Parses and fails with every cross-field problem at once, as validate() reports them. */
    public static FhirSourceConnectorConfig parseStrict(Map<String, String> props) {
        FhirSourceConnectorConfig config = new FhirSourceConnectorConfig(props);
        CrossKeyProblems.throwIfAny("Invalid FHIR source configuration:", problems(props));
        return config;
    }

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def
                .define(FHIR_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, FhirClientConfig.httpUrlValidator(false),
                        Importance.HIGH, "Base URL of the FHIR R4 server, e.g. https://fhir.example.org/fhir.",
                        GROUP_SERVER, ++order, Width.LONG, "FHIR base URL")
                .define(FHIR_VERSION, Type.STRING, "R4", fhirVersionValidator(), Importance.LOW,
                        "FHIR version of the server. Only R4 (4.0.x) is supported; the task also checks the "
                                + "server's CapabilityStatement at start.",
                        GROUP_SERVER, ++order, Width.SHORT, "FHIR version")
                .define(CONCURRENT_REQUESTS, Type.INT, 4, Range.between(1, 64), Importance.MEDIUM,
                        "Maximum number of requests one task has in flight to the FHIR server; also how many "
                                + "resource types a task polls in parallel.",
                        GROUP_SERVER, ++order, Width.SHORT, "Concurrent requests");
        order = FhirClientConfig.defineConnection(def, GROUP_SERVER, order);

        FhirClientConfig.defineAuth(def, GROUP_AUTH);

        order = 0;
        def
                .define(RESOURCE_TYPES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, resourceTypesValidator(),
                        Importance.HIGH, "Resource types to stream, e.g. Patient,Encounter,Observation. Each type "
                                + "is polled on its own and goes to topic " + TOPIC_PREFIX + " + type; types are "
                                + "spread over the tasks.",
                        GROUP_POLL, ++order, Width.LONG, "Resource types")
                .define(QUERY_PARAMETERS, Type.STRING, "", Importance.MEDIUM,
                        "Extra search parameters, entries [Type:]param=value separated by & (or ; or a new line), "
                                + "e.g. 'Observation:status=final&Patient:active=true'. An untyped entry applies to "
                                + "every type; a comma inside a value is FHIR's 'or'. _lastUpdated, _sort, _count "
                                + "and _format are managed by the connector: such entries are ignored with a "
                                + "warning.",
                        GROUP_POLL, ++order, Width.LONG, "Query parameters")
                .define(POLL_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(100), Importance.MEDIUM,
                        "Pause between the end of one incremental poll of a resource type and the next.",
                        GROUP_POLL, ++order, Width.SHORT, "Poll interval (ms)")
                .define(PAGE_SIZE, Type.INT, 100, Range.between(1, 1000), Importance.MEDIUM,
                        "_count of each search and _history page.",
                        GROUP_POLL, ++order, Width.SHORT, "Page size")
                .define(SINCE, Type.STRING, "", sinceValidator(), Importance.MEDIUM,
                        "First watermark when no offset is stored yet: an instant with offset "
                                + "(2024-01-31T00:00:00Z) or a date (read as midnight UTC). Empty: load every "
                                + "resource. Ignored once the connector has offsets.",
                        GROUP_POLL, ++order, Width.MEDIUM, "Since")
                .define(DELETES_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Read deletions from each type's _history and emit tombstones (key Type/id, null value).",
                        GROUP_POLL, ++order, Width.SHORT, "Deletes as tombstones");
        order = BulkExportSettings.define(def, GROUP_POLL, order);

        order = 0;
        def
                .define(SUBSCRIPTION_ENABLED, Type.BOOLEAN, false, Importance.HIGH,
                        "Create rest-hook Subscription resources on the server and receive their notifications "
                                + "in task 0 (polling continues as the safety net and catch-up).",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Subscriptions enabled")
                .define(SUBSCRIPTION_TYPE, Type.STRING, "rest-hook", subscriptionTypeValidator(),
                        Importance.LOW, "Subscription channel type. Only rest-hook is supported.",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Subscription type")
                .define(SUBSCRIPTION_CRITERIA, Type.STRING, "", Importance.HIGH,
                        "Subscription criteria, e.g. 'Observation?status=final'; several separated by ' | '. "
                                + "Each names a type that is in " + RESOURCE_TYPES + ".",
                        GROUP_SUBSCRIPTION, ++order, Width.LONG, "Criteria")
                .define(SUBSCRIPTION_ENDPOINT, Type.STRING, "", FhirClientConfig.httpUrlValidator(true),
                        Importance.HIGH,
                        "URL the FHIR server calls (Subscription.channel.endpoint): a name that reaches the worker "
                                + "running task 0, e.g. through a load balancer. Its path is where the listener "
                                + "accepts notifications. Empty: http://<task 0's host name>:<listener port>"
                                + DEFAULT_WEBHOOK_PATH + ".",
                        GROUP_SUBSCRIPTION, ++order, Width.LONG, "Channel endpoint")
                .define(SUBSCRIPTION_HEADER, Type.PASSWORD, null, headerValidator(), Importance.HIGH,
                        "Secret header 'Name: value' put in Subscription.channel.header and required on every "
                                + "notification (401 otherwise), e.g. 'Authorization: Bearer ${file:...}'. Empty: "
                                + "task 0 generates a random bearer token on each start and registers it.",
                        GROUP_SUBSCRIPTION, ++order, Width.LONG, "Channel header")
                .define(SUBSCRIPTION_LISTENER_PORT, Type.INT, 8090, Range.between(1, 65535), Importance.HIGH,
                        "Local port of the notification listener (task 0).",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Listener port")
                .define(SUBSCRIPTION_LISTENER_BIND, Type.STRING, "0.0.0.0", Importance.LOW,
                        "Local address the listener binds to.",
                        GROUP_SUBSCRIPTION, ++order, Width.MEDIUM, "Listener bind address")
                .define(SUBSCRIPTION_TTL_MS, Type.LONG, 3_600_000L, Range.atLeast(10_000), Importance.MEDIUM,
                        "Subscription.end is set this far ahead and renewed every third of it while task 0 runs, "
                                + "so Subscriptions of a deleted connector expire.",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Subscription TTL (ms)")
                .define(SUBSCRIPTION_ACK_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(100), Importance.LOW,
                        "How long a notification waits for its record to be written to Kafka before it is "
                                + "answered 503 (the server retries; polling catches up anyway).",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Notification ack timeout (ms)")
                .define(LISTENER_HEADER_TIMEOUT_MS, Type.LONG, 10_000L, Range.between(100, 600_000),
                        Importance.LOW, "A connection to the listener is closed unless its TLS handshake, request "
                                + "line and headers are complete within this time from accept (a client trickling "
                                + "bytes cannot extend it).",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Listener header deadline (ms)")
                .define(LISTENER_BODY_TIMEOUT_MS, Type.LONG, 30_000L, Range.between(100, 600_000),
                        Importance.LOW, "A notification's body must arrive within this time after its headers "
                                + "(read only once the secret header has been checked).",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Listener body deadline (ms)")
                .define(LISTENER_MAX_CONNECTIONS, Type.INT, 64, Range.between(1, 10_000), Importance.LOW,
                        "Connections the listener serves at once; more are closed at accept.",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Listener max connections")
                .define(LISTENER_MAX_CONNECTIONS_PER_ADDRESS, Type.INT, 16, Range.between(1, 10_000),
                        Importance.LOW, "Connections one source address may hold open at once, so one client "
                                + "cannot take every place of " + LISTENER_MAX_CONNECTIONS + ".",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Listener max connections per address")
                .define(LISTENER_MAX_BODY_BYTES, Type.INT, 32 * 1024 * 1024, Range.between(1024, 1 << 30),
                        Importance.LOW, "Largest notification body accepted (413 above it).",
                        GROUP_SUBSCRIPTION, ++order, Width.SHORT, "Listener max body (bytes)");
        TlsConfig.define(def, SUBSCRIPTION_TLS_PREFIX, GROUP_LISTENER_TLS, "the subscription listener");

        order = 0;
        def
                .define(TOPIC_PREFIX, Type.STRING, "fhir.", topicPrefixValidator(), Importance.HIGH,
                        "Prefix of the topic per resource type (topic = prefix + resource type, e.g. fhir.Patient).",
                        GROUP_OUTPUT, ++order, Width.MEDIUM, "Topic prefix")
                .define(MAX_BATCH_SIZE, Type.INT, 1000, Range.atLeast(1), Importance.LOW,
                        "Records handed to the worker by one poll(); whole pages are never split, so a batch may "
                                + "exceed this by less than one page.",
                        GROUP_OUTPUT, ++order, Width.SHORT, "Max batch size")
                .define(QUEUE_CAPACITY, Type.INT, 5000, Range.atLeast(1), Importance.LOW,
                        "Records a task buffers between fetching and the worker; fetching pauses when it is full.",
                        GROUP_OUTPUT, ++order, Width.SHORT, "Queue capacity")
                .define(RECORD_MAX_BYTES, Type.INT, 1_000_000, Range.between(10_000, Integer.MAX_VALUE),
                        Importance.MEDIUM, "Largest record the task emits, counted as stored: key, headers and "
                                + "the resource JSON with every character at its JSON-escaped width (JsonConverter "
                                + "can grow a string up to six times). A larger resource becomes a small record "
                                + "in " + ERROR_TOPIC + " and the stream moves on. Keep it below the producer's "
                                + "max.request.size (1048576 by default; " + PRODUCER_MAX_REQUEST_SIZE + " in this "
                                + "config) and the topics' max.message.bytes.",
                        GROUP_OUTPUT, ++order, Width.SHORT, "Max record size (bytes)")
                .define(ERROR_TOPIC, Type.STRING, "", topicPrefixValidator(), Importance.MEDIUM,
                        "Topic for resources too large for Kafka (key Type/id; value a JSON object with "
                                + "resourceType, id, versionId, lastUpdated, size, limit, reason and url). Empty: "
                                + TOPIC_PREFIX + " + 'errors', e.g. fhir.errors.",
                        GROUP_OUTPUT, ++order, Width.MEDIUM, "Error topic");
        return def;
    }

    /**
     * Problems that single-key validators cannot see, keyed by the canonical config name they belong to.
     * {@code props} are the raw properties (synonyms allowed); keys that fail their own validator are skipped
     * here, since ConfigDef already reports them.
     */
    public static Map<String, List<String>> problems(Map<String, String> rawProps) {
        return SourceConfigProblems.of(rawProps);
    }

    // ----------------------------------------------------------------------------------------------------
    // Typed accessors
    // ----------------------------------------------------------------------------------------------------

    /** Base URL without a trailing slash. */
    public String fhirUrl() {
        String url = getString(FHIR_URL).trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    public String authType() {
        return client().authType();
    }

    /** The FHIR client part of this config (connection, TLS, retries, auth). */
    public FhirClientConfig client() {
        return FhirClientConfig.from(this);
    }

    public Password bearerToken() {
        return getPassword(BEARER_TOKEN);
    }

    public String basicUsername() {
        return getString(BASIC_USERNAME);
    }

    public Password basicPassword() {
        return getPassword(BASIC_PASSWORD);
    }

    public String oauthTokenEndpoint() {
        return getString(OAUTH_TOKEN_ENDPOINT);
    }

    public String oauthClientId() {
        return getString(OAUTH_CLIENT_ID);
    }

    public Password oauthClientSecret() {
        return getPassword(OAUTH_CLIENT_SECRET);
    }

    public String oauthScope() {
        return getString(OAUTH_SCOPE);
    }

    public boolean oauthClientSecretPost() {
        return "client_secret_post".equalsIgnoreCase(getString(OAUTH_CLIENT_AUTH_METHOD));
    }

    /** Configured resource types, in order, without duplicates. */
    public List<String> resourceTypes() {
        return List.copyOf(new LinkedHashSet<>(trimmed(getList(RESOURCE_TYPES))));
    }

    public QueryParameters queryParameters() {
        return queryParameters;
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS);
    }

    /** The Bulk Data initial load settings, or null when the initial load is paging. */
    public BulkExportSettings bulkExport() {
        return BulkExportSettings.from(this);
    }

    public int pageSize() {
        return getInt(PAGE_SIZE);
    }

    public int concurrentRequests() {
        return getInt(CONCURRENT_REQUESTS);
    }

    public int connectTimeoutMs() {
        return getInt(CONNECT_TIMEOUT_MS);
    }

    public int readTimeoutMs() {
        return getInt(READ_TIMEOUT_MS);
    }

    public boolean gzipEnabled() {
        return getBoolean(GZIP_ENABLED);
    }

    public String truststoreLocation() {
        String value = getString(TRUSTSTORE_LOCATION);
        return value == null || value.isBlank() ? null : value;
    }

    public Password truststorePassword() {
        return getPassword(TRUSTSTORE_PASSWORD);
    }

    public String truststoreType() {
        return getString(TRUSTSTORE_TYPE).toUpperCase(Locale.ROOT);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public long retryBackoffMaxMs() {
        return Math.max(getLong(RETRY_BACKOFF_MAX_MS), getLong(RETRY_BACKOFF_MS));
    }

    public int retryMaxAttempts() {
        return getInt(RETRY_MAX_ATTEMPTS);
    }

    /** The canonical first watermark, or null when {@code fhir.since} is empty. */
    public String since() {
        String value = getString(SINCE);
        return value == null || value.isBlank() ? null : canonicalInstant(value.trim());
    }

    public boolean deletesEnabled() {
        return getBoolean(DELETES_ENABLED);
    }

    public boolean subscriptionEnabled() {
        return getBoolean(SUBSCRIPTION_ENABLED);
    }

    public List<String> subscriptionCriteria() {
        return SubscriptionCriteria.split(getString(SUBSCRIPTION_CRITERIA));
    }

    /** Resource types named by the subscription criteria (handled by task 0), in order. */
    public List<String> subscriptionTypes() {
        LinkedHashSet<String> types = new LinkedHashSet<>();
        if (subscriptionEnabled()) {
            subscriptionCriteria().forEach(c -> types.add(SubscriptionCriteria.type(c)));
        }
        return List.copyOf(types);
    }

    /** The configured channel endpoint, or null to derive one from the host name. */
    public String subscriptionEndpoint() {
        String value = getString(SUBSCRIPTION_ENDPOINT);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public Password subscriptionHeader() {
        return getPassword(SUBSCRIPTION_HEADER);
    }

    public int listenerPort() {
        return getInt(SUBSCRIPTION_LISTENER_PORT);
    }

    public String listenerBindAddress() {
        return getString(SUBSCRIPTION_LISTENER_BIND);
    }

    public long subscriptionTtlMs() {
        return getLong(SUBSCRIPTION_TTL_MS);
    }

    public long ackTimeoutMs() {
        return getLong(SUBSCRIPTION_ACK_TIMEOUT_MS);
    }

    public TlsConfig listenerTls() {
        return TlsConfig.from(this, SUBSCRIPTION_TLS_PREFIX);
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    public int maxBatchSize() {
        return getInt(MAX_BATCH_SIZE);
    }

    public int queueCapacity() {
        return getInt(QUEUE_CAPACITY);
    }

    public int recordMaxBytes() {
        return getInt(RECORD_MAX_BYTES);
    }

    public String errorTopic() {
        String topic = getString(ERROR_TOPIC);
        return topic == null || topic.isBlank() ? topicPrefix() + "errors" : topic.trim();
    }

    public long listenerHeaderTimeoutMs() {
        return getLong(LISTENER_HEADER_TIMEOUT_MS);
    }

    public long listenerBodyTimeoutMs() {
        return getLong(LISTENER_BODY_TIMEOUT_MS);
    }

    public int listenerMaxConnections() {
        return getInt(LISTENER_MAX_CONNECTIONS);
    }

    public int listenerMaxConnectionsPerAddress() {
        return getInt(LISTENER_MAX_CONNECTIONS_PER_ADDRESS);
    }

    public int listenerMaxBodyBytes() {
        return getInt(LISTENER_MAX_BODY_BYTES);
    }

    /** Parses a FHIR instant (always with an offset) to an Instant. */
    public static Instant parseInstant(String value) {
        return OffsetDateTime.parse(value).toInstant();
    }
}
