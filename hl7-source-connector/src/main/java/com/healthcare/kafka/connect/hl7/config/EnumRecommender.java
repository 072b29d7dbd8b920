package com.healthcare.kafka.connect.hl7.config;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;

/** Lists the fixed choices of a key in the REST validate response ("recommended_values"). */
public final class EnumRecommender implements ConfigDef.Recommender {

    private final List<Object> values;

    private EnumRecommender(List<Object> values) {
        this.values = values;
    }

    public static EnumRecommender of(String... values) {
        return new EnumRecommender(List.of((Object[]) values));
    }

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        return values;
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsedConfig) {
        return true;
    }
}
