package com.healthcare.kafka.connect.fhir.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.common.CrossKeyProblems;

/**
 * FHIR R4 sink: writes FHIR resources and transaction/batch Bundles from Kafka to a FHIR server. All keys live
 * in {@link FhirSinkConnectorConfig}; every task gets the same config (the worker spreads the partitions).
 */
public class FhirSinkConnector extends SinkConnector {

    /** Task config: the task's number, for thread and MBean names. */
    public static final String TASK_INDEX = "fhir.sink.task.index";

    private Map<String, String> props;

    @Override
    public String version() {
        return BuildVersion.of(FhirSinkConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        FhirSinkConnectorConfig.parseStrict(props);
        this.props = new HashMap<>(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FhirSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(TASK_INDEX, String.valueOf(i));
            configs.add(taskProps);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return FhirSinkConnectorConfig.CONFIG_DEF;
    }

    /**
     * Validates the canonicalized properties (synonyms satisfy required keys) and adds each cross-field problem
     * to the config value it belongs to, one message per mistake.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Map<String, String> canonical = FhirSinkConnectorConfig.ALIASES.canonicalize(connectorConfigs);
        Config result = super.validate(canonical);
        CrossKeyProblems.addTo(result.configValues(), FhirSinkConnectorConfig.problems(connectorConfigs), true);
        return result;
    }
}
