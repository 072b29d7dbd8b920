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

/** Masks PHI in a record's key or value. Use {@link Key} or {@link Value}. Behaviour built in its issue. */
public abstract class MaskPhi<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String PROFILE = "profile";
    public static final String RULES = "rules";
    public static final String HASH_KEY = "hash.key";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(PROFILE, Type.STRING, "none",
                    ConfigDef.CaseInsensitiveValidString.in("none", "safe-harbor", "pseudonymize"), Importance.HIGH,
                    "Built-in rule set: none, safe-harbor (45 CFR 164.514(b)(2)) or pseudonymize.")
            .define(RULES, Type.LIST, "", Importance.HIGH,
                    "Rules path:method[:argument] that add to or override the profile.")
            .define(HASH_KEY, Type.PASSWORD, null, Importance.HIGH,
                    "Secret key of the HMAC used by hash and dateshift.");

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
        return BuildVersion.of(MaskPhi.class);
    }

    /** Masks the record key. */
    public static class Key<R extends ConnectRecord<R>> extends MaskPhi<R> {
    }

    /** Masks the record value. */
    public static class Value<R extends ConnectRecord<R>> extends MaskPhi<R> {
    }
}
