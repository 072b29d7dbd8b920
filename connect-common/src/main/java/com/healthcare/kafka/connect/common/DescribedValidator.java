package com.healthcare.kafka.connect.common;

import org.apache.kafka.common.config.ConfigDef;

/**
 * A validator whose {@code toString} describes the valid values: ConfigDef shows it in the generated config
 * reference and in the REST validate response. Lets each plugin write a validator as one check lambda.
 */
public final class DescribedValidator implements ConfigDef.Validator {

    private final String description;
    private final ConfigDef.Validator check;

    private DescribedValidator(String description, ConfigDef.Validator check) {
        this.description = description;
        this.check = check;
    }

    public static ConfigDef.Validator of(String description, ConfigDef.Validator check) {
        return new DescribedValidator(description, check);
    }

    @Override
    public void ensureValid(String name, Object value) {
        check.ensureValid(name, value);
    }

    @Override
    public String toString() {
        return description;
    }
}
