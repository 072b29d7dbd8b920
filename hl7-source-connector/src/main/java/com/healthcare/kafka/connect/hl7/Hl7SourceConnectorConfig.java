package com.healthcare.kafka.connect.hl7;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import com.healthcare.kafka.connect.common.ConfigAliases;
import com.healthcare.kafka.connect.common.TlsConfig;

/** Every config key of the HL7 MLLP source, with documentation, defaults and validators. */
public class Hl7SourceConnectorConfig extends AbstractConfig {

    public static final String LISTENER_HOST = "hl7.listener.host";
    public static final String LISTENER_PORT = "hl7.listener.port";
    public static final String MESSAGE_TYPES = "hl7.message.types";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String MAX_BATCH_SIZE = "max.batch.size";
    public static final String QUEUE_CAPACITY = "queue.capacity";
    public static final String SECURITY_PREFIX = "hl7.security.";

    private static final String GROUP_LISTENER = "Listener";
    private static final String GROUP_ROUTING = "Routing";
    private static final String GROUP_DELIVERY = "Delivery";
    private static final String GROUP_TLS = "TLS";

    /** Seed 001's keys, accepted as documented synonyms. */
    public static final ConfigAliases ALIASES = ConfigAliases.builder()
            .alias("port", LISTENER_PORT)
            .alias("channels", MESSAGE_TYPES)
            .alias("batch.size", MAX_BATCH_SIZE)
            .build();

    public static final ConfigDef CONFIG_DEF = configDef();

    public Hl7SourceConnectorConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.canonicalize(props));
    }

    public static ConfigDef configDef() {
        ConfigDef def = new ConfigDef()
                .define(LISTENER_HOST, Type.STRING, "0.0.0.0", Importance.HIGH,
                        "Address the MLLP listener binds to.", GROUP_LISTENER, 1, Width.MEDIUM, "Listener host")
                .define(LISTENER_PORT, Type.INT, 2575, Range.between(1, 65535), Importance.HIGH,
                        "TCP port of the MLLP listener.", GROUP_LISTENER, 2, Width.SHORT, "Listener port")
                .define(MESSAGE_TYPES, Type.LIST, "", Importance.MEDIUM,
                        "Accepted message types: entries TYPE or TYPE^EVENT (e.g. ADT^A01,ORU); TYPE_EVENT means "
                                + "TYPE^EVENT. Empty accepts all.", GROUP_ROUTING, 1, Width.LONG, "Message types")
                .define(TOPIC_PREFIX, Type.STRING, "hl7.", Importance.HIGH,
                        "Prefix of the topic per message type (topic = prefix + MSH-9.1).",
                        GROUP_ROUTING, 2, Width.MEDIUM, "Topic prefix")
                .define(PROCESSING_GUARANTEE, Type.STRING, "at_least_once",
                        ConfigDef.CaseInsensitiveValidString.in("at_most_once", "at_least_once", "exactly_once"),
                        Importance.HIGH, "When the sender gets its ACK: at_most_once on receipt; at_least_once "
                                + "after Kafka has the record; exactly_once as at_least_once plus duplicate "
                                + "suppression.", GROUP_DELIVERY, 1, Width.MEDIUM, "Processing guarantee")
                .define(MAX_BATCH_SIZE, Type.INT, 100, Range.atLeast(1), Importance.MEDIUM,
                        "Maximum records returned by one poll.", GROUP_DELIVERY, 2, Width.SHORT, "Max batch size")
                .define(QUEUE_CAPACITY, Type.INT, 5000, Range.atLeast(1), Importance.MEDIUM,
                        "Messages buffered between the listener and Kafka; when full the listener stops reading "
                                + "(backpressure), it never drops.", GROUP_DELIVERY, 3, Width.SHORT, "Queue capacity");
        return TlsConfig.define(def, SECURITY_PREFIX, GROUP_TLS, "the MLLP listener");
    }
}
