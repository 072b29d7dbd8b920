package com.healthcare.kafka.connect.hl7;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.common.CrossKeyProblems;
import com.healthcare.kafka.connect.common.IgnoredCloudKeys;
import com.healthcare.kafka.connect.common.OneMessagePerMistake;
import com.healthcare.kafka.connect.hl7.config.ProcessingGuarantee;

/**
 * HL7 v2 MLLP source. Each task hosts an MLLP listener on the configured port (shared by the tasks of one worker
 * through SO_REUSEPORT); see {@link Hl7SourceConnectorConfig} for the keys and docs/hl7-source.md for semantics.
 */
public class Hl7SourceConnector extends SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7SourceConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return BuildVersion.of(Hl7SourceConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        Hl7SourceConnectorConfig config = new Hl7SourceConnectorConfig(props);
        this.props = new HashMap<>(props);
        String name = config.connectorName();
        IgnoredCloudKeys.warnIfPresent(LOG, name, props, Hl7SourceConnectorConfig.MEANINGLESS_KEYS);
        int tasksMax = parseTasksMax(props.get("tasks.max"));
        if (config.processingGuarantee() == ProcessingGuarantee.EXACTLY_ONCE && tasksMax > 1) {
            LOG.warn("Connector {}: processing.guarantee=exactly_once with tasks.max={}: duplicates are suppressed "
                    + "per task, and a sender that reconnects may reach another task; use tasks.max=1 for "
                    + "exactly-once across reconnects.", name, tasksMax);
        }
    }

    private static int parseTasksMax(String value) {
        try {
            return value == null ? 1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
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
            task.put(Hl7SourceConnectorConfig.TASK_INDEX, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing to release: the listeners live in the tasks.
    }

    @Override
    public ConfigDef config() {
        return Hl7SourceConnectorConfig.CONFIG_DEF;
    }

    /**
     * Validates the canonical form of the config (synonyms such as seed 001's {@code port} mapped to their
     * canonical keys), then adds the cross-key problems to the key they concern.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Map<String, String> canonical = Hl7SourceConnectorConfig.ALIASES.canonicalize(connectorConfigs);
        List<ConfigValue> values = Hl7SourceConnectorConfig.CONFIG_DEF.validate(canonical);
        CrossKeyProblems.addTo(values, Hl7SourceConnectorConfig.crossKeyProblems(connectorConfigs), false);
        return new Config(OneMessagePerMistake.apply(values));
    }

    /** SUPPORTED only with exactly_once: the other guarantees deliberately allow a resend to duplicate. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        String guarantee = Hl7SourceConnectorConfig.ALIASES.canonicalize(connectorConfig)
                .getOrDefault(Hl7SourceConnectorConfig.PROCESSING_GUARANTEE, "at_least_once");
        return "exactly_once".equalsIgnoreCase(guarantee.trim())
                ? ExactlyOnceSupport.SUPPORTED : ExactlyOnceSupport.UNSUPPORTED;
    }
}
