package com.healthcare.kafka.connect.fhir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import com.healthcare.kafka.connect.common.BuildVersion;

/** FHIR R4 source: polls and subscribes to resource changes; see FhirSourceConnectorConfig for the keys. */
public class FhirSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return BuildVersion.of(FhirSourceConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        new FhirSourceConnectorConfig(props);
        this.props = new HashMap<>(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FhirSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        configs.add(new HashMap<>(props));
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        // Synonym keys are documented: validate them as their canonical keys.
        return super.validate(FhirSourceConnectorConfig.ALIASES.canonicalize(connectorConfigs));
    }

    @Override
    public ConfigDef config() {
        return FhirSourceConnectorConfig.CONFIG_DEF;
    }
}
