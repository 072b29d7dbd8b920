package com.healthcare.kafka.connect.fhir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.common.BuildVersion;
import com.healthcare.kafka.connect.common.CrossKeyProblems;
import com.healthcare.kafka.connect.common.IgnoredCloudKeys;
import com.healthcare.kafka.connect.common.OneMessagePerMistake;

/**
 * FHIR R4 source: polls each resource type incrementally (and reads deletes from _history), optionally receives
 * rest-hook Subscription notifications in task 0. All keys live in {@link FhirSourceConnectorConfig}; this class
 * only validates and spreads resource types over tasks.
 */
public class FhirSourceConnector extends SourceConnector {

    /** Task config: the resource types one task polls (comma separated). */
    public static final String TASK_RESOURCE_TYPES = "fhir.task.resource.types";
    /** Task config: "true" for the one task that hosts the subscription listener. */
    public static final String TASK_LISTENER = "fhir.task.listener";
    /** Task config: the task's number, for thread and MBean names. */
    public static final String TASK_INDEX = "fhir.task.index";

    private static final Logger LOG = LoggerFactory.getLogger(FhirSourceConnector.class);

    private Map<String, String> props;
    private FhirSourceConnectorConfig config;

    @Override
    public String version() {
        return BuildVersion.of(FhirSourceConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        this.config = FhirSourceConnectorConfig.parseStrict(props);
        this.props = new HashMap<>(props);
        String name = props.getOrDefault("name", "fhir-source");
        IgnoredCloudKeys.warnIfPresent(LOG, name, props, FhirSourceConnectorConfig.IGNORED_KEYS);
        if (!config.queryParameters().ignoredManaged().isEmpty()) {
            LOG.warn("Connector {}: ignoring {} entr(ies) of {} naming parameters the connector manages itself "
                            + "(_lastUpdated, _sort, _count, _format): {}", name,
                    config.queryParameters().ignoredManaged().size(), FhirSourceConnectorConfig.QUERY_PARAMETERS,
                    config.queryParameters().ignoredManaged());
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FhirSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<List<String>> groups = assign(config.resourceTypes(), config.subscriptionTypes(), maxTasks);
        List<Map<String, String>> configs = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(TASK_RESOURCE_TYPES, String.join(",", groups.get(i)));
            taskProps.put(TASK_LISTENER, String.valueOf(i == 0 && config.subscriptionEnabled()));
            taskProps.put(TASK_INDEX, String.valueOf(i));
            configs.add(taskProps);
        }
        return configs;
    }

    /**
     * Spreads resource types over at most {@code maxTasks} groups. The types the subscription criteria name all go
     * to group 0, the task that hosts the listener, so a notification and the polling of its type share one
     * offset and deduplicate exactly. The remaining types fill the smallest groups. No group is empty.
     */
    static List<List<String>> assign(List<String> types, List<String> subscriptionTypes, int maxTasks) {
        int groups = Math.max(1, Math.min(maxTasks, types.size()));
        List<List<String>> result = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            result.add(new ArrayList<>());
        }
        for (String type : types) {
            if (subscriptionTypes.contains(type)) {
                result.get(0).add(type);
            }
        }
        for (String type : types) {
            if (subscriptionTypes.contains(type)) {
                continue;
            }
            int smallest = 0;
            for (int i = 1; i < groups; i++) {
                if (result.get(i).size() < result.get(smallest).size()) {
                    smallest = i;
                }
            }
            result.get(smallest).add(type);
        }
        result.removeIf(List::isEmpty);
        return result;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return FhirSourceConnectorConfig.CONFIG_DEF;
    }

    /**
     * Validates the canonicalized properties (so seed 001's synonyms satisfy required keys) and adds the
     * cross-field problems to the config value they belong to.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Map<String, String> canonical = FhirSourceConnectorConfig.ALIASES.canonicalize(connectorConfigs);
        Config result = super.validate(canonical);
        CrossKeyProblems.addTo(result.configValues(), FhirSourceConnectorConfig.problems(connectorConfigs),
                true);
        OneMessagePerMistake.apply(result.configValues());
        return result;
    }

    /**
     * Offsets are exact (watermark plus the ids emitted at that instant, committed with the records), so a worker
     * with exactly.once.source.support=enabled delivers every change once. Transaction boundaries stay the
     * worker's (one per poll() batch; the task never splits a page across batches).
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.UNSUPPORTED;
    }
}
