package com.healthcare.kafka.connect.transforms;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

import com.healthcare.kafka.connect.common.BuildVersion;

/** Converts an HL7 v2 message value into a FHIR R4 Bundle (JSON text). Behaviour built in its issue. */
public class Hl7ToFhir<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String BUNDLE_TYPE = "bundle.type";
    public static final String BEHAVIOR_ON_ERROR = "behavior.on.error";
    public static final String ERROR_TOPIC = "error.topic";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(BUNDLE_TYPE, Type.STRING, "transaction",
                    ConfigDef.CaseInsensitiveValidString.in("transaction", "batch", "collection", "message"),
                    Importance.MEDIUM, "Type of the FHIR Bundle produced.")
            .define(BEHAVIOR_ON_ERROR, Type.STRING, "route",
                    ConfigDef.CaseInsensitiveValidString.in("route", "fail", "passthrough"), Importance.HIGH,
                    "What happens to a message that cannot be converted: route it (original value) to "
                            + ERROR_TOPIC + ", fail the task, or pass it through unchanged.")
            .define(ERROR_TOPIC, Type.STRING, "hl7.fhir.errors", Importance.MEDIUM,
                    "Topic for messages that cannot be converted when " + BEHAVIOR_ON_ERROR + "=route.");

    @Override
    public void configure(Map<String, ?> configs) {
        new SimpleConfig(CONFIG_DEF, configs);
    }

    @Override
    public R apply(R record) {
        return record;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
    }

    @Override
    public String version() {
        return BuildVersion.of(Hl7ToFhir.class);
    }
}
