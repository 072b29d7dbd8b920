package com.healthcare.kafka.connect.fhir;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import com.healthcare.kafka.connect.common.ConfigAliases;

/** Every config key of the FHIR R4 source, with documentation, defaults and validators. */
public class FhirSourceConnectorConfig extends AbstractConfig {

    public static final String FHIR_URL = "fhir.url";
    public static final String FHIR_VERSION = "fhir.version";
    public static final String AUTH_TYPE = "fhir.auth.type";
    public static final String RESOURCE_TYPES = "fhir.resource.types";
    public static final String POLL_INTERVAL_MS = "fhir.poll.interval.ms";
    public static final String PAGE_SIZE = "fhir.page.size";
    public static final String TOPIC_PREFIX = "topic.prefix";

    private static final String GROUP_SERVER = "FHIR server";
    private static final String GROUP_POLL = "Polling";
    private static final String GROUP_OUTPUT = "Output";

    /** Seed 001's keys, accepted as documented synonyms. */
    public static final ConfigAliases ALIASES = ConfigAliases.builder()
            .alias("fhir.server.url", FHIR_URL)
            .alias("fhir.resources", RESOURCE_TYPES)
            .alias("fhir.server.auth.type", AUTH_TYPE)
            .build();

    public static final ConfigDef CONFIG_DEF = configDef();

    public FhirSourceConnectorConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.canonicalize(props));
    }

    public static ConfigDef configDef() {
        return new ConfigDef()
                .define(FHIR_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, "Base URL of the FHIR R4 server, e.g. https://fhir.example.org/fhir.",
                        GROUP_SERVER, 1, Width.LONG, "FHIR base URL")
                .define(FHIR_VERSION, Type.STRING, "R4", ConfigDef.CaseInsensitiveValidString.in("R4"),
                        Importance.LOW, "FHIR version of the server. Only R4 is supported.",
                        GROUP_SERVER, 2, Width.SHORT, "FHIR version")
                .define(AUTH_TYPE, Type.STRING, "none",
                        ConfigDef.CaseInsensitiveValidString.in("none", "basic", "bearer", "oauth2"),
                        Importance.HIGH, "Authentication: none, basic, bearer or oauth2 (client credentials).",
                        GROUP_SERVER, 3, Width.SHORT, "Auth type")
                .define(RESOURCE_TYPES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                        "Resource types to stream, e.g. Patient,Encounter,Observation.",
                        GROUP_POLL, 1, Width.LONG, "Resource types")
                .define(POLL_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(100), Importance.MEDIUM,
                        "Interval between incremental polls of each resource type.",
                        GROUP_POLL, 2, Width.SHORT, "Poll interval (ms)")
                .define(PAGE_SIZE, Type.INT, 100, Range.between(1, 1000), Importance.MEDIUM,
                        "_count of each search page.", GROUP_POLL, 3, Width.SHORT, "Page size")
                .define(TOPIC_PREFIX, Type.STRING, "fhir.", Importance.HIGH,
                        "Prefix of the topic per resource type (topic = prefix + resource type).",
                        GROUP_OUTPUT, 1, Width.MEDIUM, "Topic prefix");
    }
}
