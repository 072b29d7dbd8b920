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

/** Extracts a FHIR resource from a record or a single-entry Bundle. Behaviour built in its issue. */
public class FhirResourceExtractor<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OUTPUT_FORMAT = "output.format";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(OUTPUT_FORMAT, Type.STRING, "json",
                    ConfigDef.CaseInsensitiveValidString.in("json", "map", "struct"), Importance.MEDIUM,
                    "Value produced: JSON text, a schemaless map, or a Struct with an inferred schema.");

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
        return BuildVersion.of(FhirResourceExtractor.class);
    }
}
