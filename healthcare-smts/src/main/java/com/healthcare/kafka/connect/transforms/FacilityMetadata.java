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

/** Stamps facility code and name into key and value. Behaviour built in its issue. */
public class FacilityMetadata<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String FACILITY_CODE = "facility.code";
    public static final String FACILITY_NAME = "facility.name";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FACILITY_CODE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Facility code stamped into key and value (e.g. the DHIS2 code).")
            .define(FACILITY_NAME, Type.STRING, null, Importance.MEDIUM, "Facility name stamped into the value.");

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
        return BuildVersion.of(FacilityMetadata.class);
    }
}
