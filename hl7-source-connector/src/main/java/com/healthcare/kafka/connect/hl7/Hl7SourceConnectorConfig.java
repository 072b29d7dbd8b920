package com.healthcare.kafka.connect.hl7;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import com.healthcare.kafka.connect.common.ConfigAliases;
import com.healthcare.kafka.connect.common.TlsConfig;
import com.healthcare.kafka.connect.hl7.config.AckOnDropped;
import com.healthcare.kafka.connect.hl7.config.EnumRecommender;
import com.healthcare.kafka.connect.hl7.config.KeySource;
import com.healthcare.kafka.connect.hl7.config.OutputFormat;
import com.healthcare.kafka.connect.hl7.config.ProcessingGuarantee;
import com.healthcare.kafka.connect.hl7.config.Validators;
import com.healthcare.kafka.connect.hl7.mllp.Cidr;
import com.healthcare.kafka.connect.hl7.routing.MessageTypeFilter;
import com.healthcare.kafka.connect.hl7.routing.TopicRouter;
import com.healthcare.kafka.connect.hl7v2.Hl7Charsets;

/**
 * Every config key of the HL7 MLLP source, with documentation, defaults, validators and recommenders. The
 * connector and its tasks read configuration only through this class.
 */
public class Hl7SourceConnectorConfig extends AbstractConfig {

    // Listener
    public static final String LISTENER_HOST = "hl7.listener.host";
    public static final String LISTENER_PORT = "hl7.listener.port";
    public static final String MAX_CONNECTIONS = "hl7.max.connections";
    public static final String MAX_CONNECTIONS_PER_ADDRESS = "hl7.max.connections.per.address";
    public static final String ALLOWED_CIDRS = "hl7.allowed.cidrs";
    public static final String MAX_MESSAGE_BYTES = "hl7.max.message.bytes";
    public static final String IDLE_TIMEOUT_MS = "hl7.idle.timeout.ms";
    public static final String CHARSET = "hl7.charset";
    // Messages
    public static final String MESSAGE_TYPES = "hl7.message.types";
    public static final String VERSION = "hl7.version";
    public static final String VALIDATION_ENABLED = "hl7.validation.enabled";
    public static final String VALIDATION_FAIL_INVALID = "hl7.validation.fail.invalid";
    // Acknowledgements
    public static final String RESPONSE_CODE_SUCCESS = "hl7.response.code.success";
    public static final String RESPONSE_CODE_ERROR = "hl7.response.code.error";
    public static final String RESPONSE_CODE_REJECTION = "hl7.response.code.rejection";
    public static final String RESPONSE_TEXT_SUCCESS = "hl7.response.text.success";
    public static final String RESPONSE_TEXT_ERROR = "hl7.response.text.error";
    public static final String RESPONSE_TEXT_REJECTION = "hl7.response.text.rejection";
    public static final String ACK_TIMEOUT_MS = "hl7.ack.timeout.ms";
    public static final String ACK_ON_DROPPED = "hl7.ack.on.dropped";
    // Delivery
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String DEDUP_WINDOW_SIZE = "hl7.dedup.window.size";
    public static final String MAX_BATCH_SIZE = "max.batch.size";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String QUEUE_MAX_BYTES = "hl7.queue.max.bytes";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    // Records
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_MAPPING = "hl7.topic.mapping";
    public static final String ERROR_TOPIC = "hl7.error.topic";
    public static final String ERROR_RECORD_MAX_BYTES = "hl7.error.record.max.bytes";
    public static final String KEY_SOURCE = "hl7.key.source";
    public static final String OUTPUT_FORMAT = "output.format";
    // TLS
    public static final String SECURITY_PREFIX = "hl7.security.";
    public static final String SECURITY_ENABLED = SECURITY_PREFIX + TlsConfig.ENABLED;
    public static final String SECURITY_KEYSTORE_LOCATION = SECURITY_PREFIX + TlsConfig.KEYSTORE_LOCATION;
    public static final String SECURITY_HANDSHAKE_TIMEOUT_MS = SECURITY_PREFIX + "handshake.timeout.ms";
    /** Seed 001's MLLP "credentials": MLLP has no authentication, so these are ignored with a warning. */
    public static final String SECURITY_USERNAME = SECURITY_PREFIX + "username";
    public static final String SECURITY_PASSWORD = SECURITY_PREFIX + "password";
    /** Seed 001's custom handler hook, which this connector does not load. */
    public static final String MESSAGE_HANDLER_CLASS = "message.handler.class";

    /** Task index, added by the connector to each task's config (not a user key). */
    public static final String TASK_INDEX = "hl7.internal.task.index";

    /** Keys from seed configs that mean nothing for MLLP: ignored with one warning. */
    public static final Set<String> MEANINGLESS_KEYS = Set.of(SECURITY_USERNAME, SECURITY_PASSWORD,
            MESSAGE_HANDLER_CLASS);

    /** Room a record needs on top of the message text (Struct fields, headers, JSON escaping). */
    public static final int RECORD_OVERHEAD_BYTES = 100 * 1024;
    /** Headers and framing of an error record, on top of its base64 value (reason, digest, addresses...). */
    public static final int ERROR_RECORD_OVERHEAD_BYTES = 16 * 1024;
    /** Kafka's producer default max.request.size. */
    public static final int PRODUCER_DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    public static final String PRODUCER_MAX_REQUEST_SIZE_OVERRIDE = "producer.override.max.request.size";

    private static final String GROUP_LISTENER = "Listener";
    private static final String GROUP_MESSAGES = "Messages";
    private static final String GROUP_ACK = "Acknowledgements";
    private static final String GROUP_DELIVERY = "Delivery";
    private static final String GROUP_RECORDS = "Records";
    private static final String GROUP_TLS = "TLS";

    /** Seed 001's keys, accepted as documented synonyms. */
    public static final ConfigAliases ALIASES = ConfigAliases.builder()
            .alias("port", LISTENER_PORT)
            .alias("channels", MESSAGE_TYPES)
            .alias("batch.size", MAX_BATCH_SIZE)
            .build();

    public static final ConfigDef CONFIG_DEF = configDef();

    private final TlsConfig tls;

    public Hl7SourceConnectorConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.canonicalize(props), false);
        this.tls = TlsConfig.from(this, SECURITY_PREFIX);
    }

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(LISTENER_HOST, Type.STRING, "0.0.0.0", Validators.nonBlank(), Importance.HIGH,
                        "Address the MLLP listener binds to (0.0.0.0: every interface).",
                        GROUP_LISTENER, ++order, Width.MEDIUM, "Listener host")
                .define(LISTENER_PORT, Type.INT, 2575, Range.between(1, 65535), Importance.HIGH,
                        "TCP port of the MLLP listener. With tasks.max > 1 every task listens on this same port "
                                + "(SO_REUSEPORT) and the operating system spreads connections over the tasks.",
                        GROUP_LISTENER, ++order, Width.SHORT, "Listener port")
                .define(MAX_CONNECTIONS, Type.INT, 100, Range.atLeast(1), Importance.MEDIUM,
                        "Open connections per task; a connection beyond this is closed at once.",
                        GROUP_LISTENER, ++order, Width.SHORT, "Max connections")
                .define(MAX_CONNECTIONS_PER_ADDRESS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                        "Open connections per task from one source IP address; one beyond it is closed at once, so "
                                + "a single sender cannot take every hl7.max.connections slot. 0: no limit (set one "
                                + "unless every sender comes through one load balancer or NAT address).",
                        GROUP_LISTENER, ++order, Width.SHORT, "Max connections per address")
                .define(ALLOWED_CIDRS, Type.LIST, "", Validators.cidrs(), Importance.MEDIUM,
                        "Source address blocks allowed to connect, e.g. '10.20.0.0/16,192.168.5.7,fd00::/8'; any "
                                + "other address is closed at once. Empty: every address.",
                        GROUP_LISTENER, ++order, Width.LONG, "Allowed CIDRs")
                .define(MAX_MESSAGE_BYTES, Type.INT, 900 * 1024, Range.between(1024, Integer.MAX_VALUE - 1024),
                        Importance.MEDIUM,
                        "Largest MLLP frame accepted, in bytes. A larger frame (or bytes without an end-of-frame) "
                                + "is cut off with bounded memory, rejected and the connection closed. Must leave "
                                + RECORD_OVERHEAD_BYTES + " bytes of room below the producer's max.request.size "
                                + "(raise it with " + PRODUCER_MAX_REQUEST_SIZE_OVERRIDE + ", and the topics' "
                                + "max.message.bytes) to accept larger messages.",
                        GROUP_LISTENER, ++order, Width.SHORT, "Max message bytes")
                .define(IDLE_TIMEOUT_MS, Type.LONG, 300_000L, Range.atLeast(1_000L), Importance.MEDIUM,
                        "A connection on which nothing arrives for this long, while no acknowledgement is owed, is "
                                + "closed; a frame that does not complete within this time (a slow sender) is "
                                + "cut off and the connection closed.",
                        GROUP_LISTENER, ++order, Width.SHORT, "Idle timeout (ms)")
                .define(CHARSET, Type.STRING, "", Validators.optionalCharset(), Importance.LOW,
                        "Character set override. Empty: each message is decoded by its MSH-18 (e.g. "
                                + "'UNICODE UTF-8', '8859/1'), UTF-8 when MSH-18 is empty. Set (an MSH-18 name or "
                                + "a Java charset name) for senders that declare MSH-18 wrongly or not at all.",
                        GROUP_LISTENER, ++order, Width.MEDIUM, "Charset override");

        order = 0;
        def.define(MESSAGE_TYPES, Type.LIST, "", Validators.messageTypes(), Importance.MEDIUM,
                        "Accepted message types: entries TYPE (all trigger events) or TYPE^EVENT, e.g. "
                                + "'ADT^A01,ORU'; TYPE_EVENT (e.g. ADT_A01) means TYPE^EVENT. Other types are "
                                + "rejected (AR) to the error topic. Empty accepts all.",
                        GROUP_MESSAGES, ++order, Width.LONG, "Message types")
                .define(VERSION, Type.STRING, "", Validators.optionalVersion(), Importance.LOW,
                        "HL7 version assumed for messages whose MSH-12 is empty (for the ACK and for "
                                + "validation). Messages of any version are accepted.",
                        GROUP_MESSAGES, ++order, Width.SHORT, "Default HL7 version")
                .define(VALIDATION_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Validate each message with HAPI's parser and default rules for its version (costs CPU). "
                                + "Without validation only MSH is checked (MSH-9 and MSH-10 present).",
                        GROUP_MESSAGES, ++order, Width.SHORT, "Validation enabled")
                .define(VALIDATION_FAIL_INVALID, Type.BOOLEAN, true, Importance.MEDIUM,
                        "With validation: true rejects an invalid message (AE, raw bytes to the error topic); "
                                + "false accepts it and lists the findings in the header hl7.validation.errors.",
                        GROUP_MESSAGES, ++order, Width.SHORT, "Reject invalid messages");

        order = 0;
        def.define(RESPONSE_CODE_SUCCESS, Type.STRING, "AA", Validators.ackCode("AA", "CA"), Importance.LOW,
                        "MSA-1 when Kafka has the message (original mode). Enhanced mode always answers CA.",
                        GROUP_ACK, ++order, Width.SHORT, "Success code")
                .define(RESPONSE_CODE_ERROR, Type.STRING, "AE", Validators.ackCode("AE", "CE"), Importance.LOW,
                        "MSA-1 when the message could not be stored (timeout, dropped, invalid content).",
                        GROUP_ACK, ++order, Width.SHORT, "Error code")
                .define(RESPONSE_CODE_REJECTION, Type.STRING, "AR", Validators.ackCode("AR", "CR"),
                        Importance.LOW,
                        "MSA-1 when the message is rejected (unreadable, no MSH, unsupported type, oversized).",
                        GROUP_ACK, ++order, Width.SHORT, "Rejection code")
                .define(RESPONSE_TEXT_SUCCESS, Type.STRING, "", Importance.LOW,
                        "MSA-3 text of a success ACK (sent for versions up to 2.6, where MSA-3 exists).",
                        GROUP_ACK, ++order, Width.LONG, "Success text")
                .define(RESPONSE_TEXT_ERROR, Type.STRING, "Error processing message", Importance.LOW,
                        "Text of an error ACK; the reason follows it (MSA-3 up to 2.6, ERR from 2.5).",
                        GROUP_ACK, ++order, Width.LONG, "Error text")
                .define(RESPONSE_TEXT_REJECTION, Type.STRING, "Message rejected", Importance.LOW,
                        "Text of a rejection ACK; the reason follows it (MSA-3 up to 2.6, ERR from 2.5).",
                        GROUP_ACK, ++order, Width.LONG, "Rejection text")
                .define(ACK_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(100L), Importance.MEDIUM,
                        "If Kafka has not confirmed a message this long after it arrived, the sender gets an "
                                + "error ACK (AE/CE) and should resend. A message still queued at that point is "
                                + "not written; one already handed to Kafka may still land (a resend then "
                                + "duplicates it, except under exactly_once).",
                        GROUP_ACK, ++order, Width.SHORT, "ACK timeout (ms)")
                .define(ACK_ON_DROPPED, Type.STRING, "error",
                        ConfigDef.CaseInsensitiveValidString.in("error", "accept"), Importance.MEDIUM,
                        "Answer when Connect reports a record as not written (a transform filtered it, or "
                                + "errors.tolerance=all dropped a failed send): error (AE/CE, the sender keeps the "
                                + "message) or accept (AA/CA: use only when filtering is intended, because a "
                                + "dropped send is then acknowledged too).",
                        GROUP_ACK, ++order, Width.SHORT, "ACK on dropped record",
                        EnumRecommender.of("error", "accept"));

        order = 0;
        def.define(PROCESSING_GUARANTEE, Type.STRING, "at_least_once",
                        ConfigDef.CaseInsensitiveValidString.in("at_most_once", "at_least_once", "exactly_once"),
                        Importance.HIGH,
                        "at_most_once: ACK on receipt (a crash loses acknowledged messages); at_least_once: ACK "
                                + "after Kafka has the record (a resend after a lost ACK is a duplicate); "
                                + "exactly_once: as at_least_once, and a resent duplicate (same MSH-3, MSH-4, "
                                + "MSH-10 and the same content) within the dedup window is answered with the "
                                + "original ACK without a second record; a different message reusing a control id "
                                + "is written. The window is kept in source offsets: it survives a crash only "
                                + "on a worker with exactly.once.source.support=enabled, and only within one task.",
                        GROUP_DELIVERY, ++order, Width.MEDIUM, "Processing guarantee",
                        EnumRecommender.of("at_most_once", "at_least_once", "exactly_once"))
                .define(DEDUP_WINDOW_SIZE, Type.INT, 2000, Range.between(1, 50_000), Importance.LOW,
                        "exactly_once: how many recent messages per task are remembered for duplicate "
                                + "suppression (each costs 16 bytes in every offset commit).",
                        GROUP_DELIVERY, ++order, Width.SHORT, "Dedup window size")
                .define(MAX_BATCH_SIZE, Type.INT, 100, Range.between(1, 100_000), Importance.MEDIUM,
                        "Maximum records returned by one poll.", GROUP_DELIVERY, ++order, Width.SHORT,
                        "Max batch size")
                .define(QUEUE_CAPACITY, Type.INT, 5000, Range.between(1, 10_000_000), Importance.MEDIUM,
                        "Messages received but not yet acknowledged, per task. When it is full the listener "
                                + "stops reading (TCP backpressure to the senders); it never drops a message.",
                        GROUP_DELIVERY, ++order, Width.SHORT, "Queue capacity")
                .define(QUEUE_MAX_BYTES, Type.LONG, 64L * 1024 * 1024, Range.atLeast(1024L), Importance.LOW,
                        "Bytes of messages received but not yet acknowledged, per task; beyond it the listener "
                                + "stops reading like a full queue. A single message larger than this still passes "
                                + "when nothing else is held.",
                        GROUP_DELIVERY, ++order, Width.SHORT, "Queue bytes")
                .define(POLL_INTERVAL_MS, Type.LONG, 500L, Range.between(1L, 60_000L), Importance.LOW,
                        "Longest time a poll waits for the first message before returning empty.",
                        GROUP_DELIVERY, ++order, Width.SHORT, "Poll interval (ms)");

        order = 0;
        def.define(TOPIC_PREFIX, Type.STRING, "hl7.", Validators.topicPrefix(), Importance.HIGH,
                        "Topic of a message without a mapping: this prefix + MSH-9.1 (e.g. hl7.ADT).",
                        GROUP_RECORDS, ++order, Width.MEDIUM, "Topic prefix")
                .define(TOPIC_MAPPING, Type.LIST, "", Validators.topicMapping(), Importance.MEDIUM,
                        "Explicit topics: TYPE^EVENT:topic or TYPE:topic entries, e.g. "
                                + "'ADT^A01:clinical.patient.admitted,ORU^R01:clinical.result.available'. "
                                + "TYPE^EVENT wins over TYPE; unmapped types use the prefix.",
                        GROUP_RECORDS, ++order, Width.LONG, "Topic mapping")
                .define(ERROR_TOPIC, Type.STRING, "", Validators.optionalTopic(), Importance.MEDIUM,
                        "Topic for rejected and unreadable input: the raw bytes with headers hl7.error.reason, "
                                + "hl7.error.class, hl7.remote.address, hl7.received.at. Empty: <topic.prefix>errors.",
                        GROUP_RECORDS, ++order, Width.MEDIUM, "Error topic")
                .define(ERROR_RECORD_MAX_BYTES, Type.INT, 256 * 1024, Range.between(0, 64 * 1024 * 1024),
                        Importance.LOW,
                        "Most bytes of rejected input an error record carries: a longer input is cut to this "
                                + "prefix, and the headers hl7.error.length and hl7.error.sha256 give its full "
                                + "length and digest. With JsonConverter the bytes grow by 4/3 (base64), so this "
                                + "must stay below about 3/4 of the producer's max.request.size.",
                        GROUP_RECORDS, ++order, Width.SHORT, "Error record max bytes")
                .define(KEY_SOURCE, Type.STRING, "patient_id",
                        ConfigDef.CaseInsensitiveValidString.in("patient_id", "control_id", "none"),
                        Importance.MEDIUM,
                        "Record key: patient_id (PID-3.1 of the first repetition, so one patient's messages keep "
                                + "their order in one partition), control_id (MSH-10) or none.",
                        GROUP_RECORDS, ++order, Width.SHORT, "Key source",
                        EnumRecommender.of("patient_id", "control_id", "none"))
                .define(OUTPUT_FORMAT, Type.STRING, "struct",
                        ConfigDef.CaseInsensitiveValidString.in("struct", "raw"), Importance.MEDIUM,
                        "Record value: struct (com.healthcare.hl7.Message with header fields and the raw text) "
                                + "or raw (the message text as a string).",
                        GROUP_RECORDS, ++order, Width.SHORT, "Output format",
                        EnumRecommender.of("struct", "raw"));

        TlsConfig.define(def, SECURITY_PREFIX, GROUP_TLS, "the MLLP listener");
        return def.define(SECURITY_HANDSHAKE_TIMEOUT_MS, Type.LONG, 10_000L, Range.between(100L, 600_000L),
                Importance.LOW,
                "With TLS: a connection that has not finished its TLS handshake this long after it was accepted is "
                        + "closed. When hl7.max.connections are open, a new connection also replaces the oldest one "
                        + "still in its handshake, so sockets that never handshake cannot lock out real clients.",
                GROUP_TLS, 100, Width.SHORT, "TLS handshake timeout (ms)");
    }

    /**
     * Problems beyond single-key validators, keyed by the config key they belong to: synonym conflicts, TLS
     * stores that cannot be opened, a message limit the producer cannot send. Messages never hold secrets.
     */
    public static Map<String, List<String>> crossKeyProblems(Map<String, String> rawProps) {
        return Hl7ConfigProblems.of(rawProps);
    }

    /** The producer's max.request.size as this connector overrides it, or -1 when unreadable. */
    static int producerMaxRequestSize(Map<String, String> rawProps) {
        String override = rawProps.get(PRODUCER_MAX_REQUEST_SIZE_OVERRIDE);
        if (override == null || override.isBlank()) {
            return PRODUCER_DEFAULT_MAX_REQUEST_SIZE;
        }
        try {
            return Integer.parseInt(override.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The producer limit every record of this connector must stay within after conversion. */
    public int maxRecordBytes() {
        Object override = originals().get(PRODUCER_MAX_REQUEST_SIZE_OVERRIDE);
        int size = producerMaxRequestSize(override == null ? Map.of()
                : Map.of(PRODUCER_MAX_REQUEST_SIZE_OVERRIDE, override.toString()));
        return size > 0 ? size : PRODUCER_DEFAULT_MAX_REQUEST_SIZE;
    }

    public int errorRecordMaxBytes() {
        return getInt(ERROR_RECORD_MAX_BYTES);
    }

    public TlsConfig tls() {
        return tls;
    }

    /** hl7.security.username/password (seed 001) given without a key store. */
    boolean legacyCredentialsOnly() {
        String keystore = getString(SECURITY_KEYSTORE_LOCATION);
        boolean legacyKeys = originals().containsKey(SECURITY_USERNAME) || originals().containsKey(SECURITY_PASSWORD);
        return (keystore == null || keystore.isBlank()) && legacyKeys;
    }

    /** Whether the listener speaks TLS. */
    public boolean tlsEnabled() {
        return tls.enabled();
    }

    public String listenerHost() {
        return getString(LISTENER_HOST).trim();
    }

    public int listenerPort() {
        return getInt(LISTENER_PORT);
    }

    public int maxConnections() {
        return getInt(MAX_CONNECTIONS);
    }

    public int maxMessageBytes() {
        return getInt(MAX_MESSAGE_BYTES);
    }

    public int maxConnectionsPerAddress() {
        return getInt(MAX_CONNECTIONS_PER_ADDRESS);
    }

    public List<Cidr> allowedCidrs() {
        return getList(ALLOWED_CIDRS).stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
    }

    public long handshakeTimeoutMs() {
        return getLong(SECURITY_HANDSHAKE_TIMEOUT_MS);
    }

    public long idleTimeoutMs() {
        return getLong(IDLE_TIMEOUT_MS);
    }

    /** The configured override, or null to use MSH-18. */
    public Charset charsetOverride() {
        String name = getString(CHARSET);
        return name == null || name.isBlank() ? null : Hl7Charsets.forName(name);
    }

    public MessageTypeFilter messageTypeFilter() {
        return MessageTypeFilter.parse(getList(MESSAGE_TYPES));
    }

    /** Default version, or null. */
    public String defaultVersion() {
        String version = getString(VERSION);
        return version == null || version.isBlank() ? null : version.trim();
    }

    public boolean validationEnabled() {
        return getBoolean(VALIDATION_ENABLED);
    }

    public boolean validationFailInvalid() {
        return getBoolean(VALIDATION_FAIL_INVALID);
    }

    public String successCode() {
        return getString(RESPONSE_CODE_SUCCESS).trim().toUpperCase(java.util.Locale.ROOT);
    }

    public String errorCode() {
        return getString(RESPONSE_CODE_ERROR).trim().toUpperCase(java.util.Locale.ROOT);
    }

    public String rejectionCode() {
        return getString(RESPONSE_CODE_REJECTION).trim().toUpperCase(java.util.Locale.ROOT);
    }

    public String successText() {
        return getString(RESPONSE_TEXT_SUCCESS);
    }

    public String errorText() {
        return getString(RESPONSE_TEXT_ERROR);
    }

    public String rejectionText() {
        return getString(RESPONSE_TEXT_REJECTION);
    }

    public long ackTimeoutMs() {
        return getLong(ACK_TIMEOUT_MS);
    }

    public AckOnDropped ackOnDropped() {
        return AckOnDropped.of(getString(ACK_ON_DROPPED));
    }

    public ProcessingGuarantee processingGuarantee() {
        return ProcessingGuarantee.of(getString(PROCESSING_GUARANTEE));
    }

    public int dedupWindowSize() {
        return getInt(DEDUP_WINDOW_SIZE);
    }

    public int maxBatchSize() {
        return getInt(MAX_BATCH_SIZE);
    }

    public int queueCapacity() {
        return getInt(QUEUE_CAPACITY);
    }

    public long queueMaxBytes() {
        return getLong(QUEUE_MAX_BYTES);
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS);
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    public TopicRouter topicRouter() {
        return TopicRouter.of(topicPrefix(), getList(TOPIC_MAPPING));
    }

    public String errorTopic() {
        String topic = getString(ERROR_TOPIC);
        return topic == null || topic.isBlank() ? topicPrefix() + "errors" : topic.trim();
    }

    public KeySource keySource() {
        return KeySource.of(getString(KEY_SOURCE));
    }

    public OutputFormat outputFormat() {
        return OutputFormat.of(getString(OUTPUT_FORMAT));
    }

    /** The task's index among the connector's tasks (0 when run outside a connector). */
    public int taskIndex() {
        Object index = originals().get(TASK_INDEX);
        return index == null ? 0 : Integer.parseInt(index.toString());
    }

    /** The connector name given by the worker, for metrics and logs. */
    public String connectorName() {
        Object name = originals().get("name");
        return name == null ? "hl7-source" : name.toString();
    }
}
