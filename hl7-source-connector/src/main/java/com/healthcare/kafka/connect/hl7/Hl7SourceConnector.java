package com.healthcare.kafka.connect.hl7;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import com.healthcare.kafka.connect.common.BuildVersion;

/** HL7 v2 MLLP source: each task hosts a listener; see Hl7SourceConnectorConfig for the keys. */
public class Hl7SourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return BuildVersion.of(Hl7SourceConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        new Hl7SourceConnectorConfig(props);
        this.props = new HashMap<>(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return Hl7SourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put("task.id", Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        // Synonym keys are documented: validate them as their canonical keys.
        return super.validate(Hl7SourceConnectorConfig.ALIASES.canonicalize(connectorConfigs));
    }

    @Override
    public ConfigDef config() {
        return Hl7SourceConnectorConfig.CONFIG_DEF;
    }
}
