package com.healthcare.kafka.connect.it.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConfigFixtures;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.healthcare.kafka.connect.it.kubernetes.KubernetesManifests.Manifest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.strimzi.api.kafka.model.connector.KafkaConnector;

/**
 * Every connector config of docker/kubernetes/ validates with 0 errors on a real worker with the built zips,
 * through PUT /connector-plugins/{class}/config/validate, as connector-configs/ does in ConnectorConfigsIT: each
 * Strimzi KafkaConnector (its class, tasksMax and config, as the operator hands them to Connect) and each config of
 * the plain manifests' ConfigMap. Debezium's are validated by the CDC ITs, whose worker carries those plugins.
 */
class KubernetesConnectorsIT {

    static ConnectWorker worker;
    static Set<String> available;

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("k8s-configs");
        available = new HashSet<>();
        worker.getJson("connector-plugins?connectorsOnly=false")
                .forEach(p -> available.add(p.get("class").asText()));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyKubernetesConnectorConfigValidatesWithoutErrors() throws IOException {
        Path fixtures = Files.createDirectories(BuiltZips.workDir()).resolve("k8s-config-fixtures");
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        for (Manifest manifest : KubernetesManifests.loadAll(BuiltZips.projectRoot())) {
            if (manifest.model() instanceof KafkaConnector connector) {
                Map<String, String> config = new LinkedHashMap<>();
                config.put("connector.class", connector.getSpec().getClassName());
                config.put("tasks.max", String.valueOf(connector.getSpec().getTasksMax()));
                connector.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
                config.put("name", connector.getMetadata().getName());
                configs.put(manifest.label(), config);
            } else if (manifest.model() instanceof ConfigMap map
                    && map.getMetadata().getName().equals("healthcare-connectors")) {
                for (Map.Entry<String, String> file : map.getData().entrySet()) {
                    JsonNode root = ConnectWorker.JSON.readTree(file.getValue());
                    Map<String, String> config = new LinkedHashMap<>();
                    root.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
                    config.put("name", root.get("name").asText());
                    configs.put(manifest.label() + " " + file.getKey(), config);
                }
            }
        }
        assertThat(configs).as("connector configs under docker/kubernetes").hasSizeGreaterThan(5);
        return configs.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            String connectorClass = entry.getValue().get("connector.class");
            if (!available.contains(connectorClass)) {
                assertThat(connectorClass).as("%s names a connector this worker lacks", entry.getKey())
                        .startsWith("io.debezium.");
                return;
            }
            JsonNode result = worker.validateJson(connectorClass,
                    ConfigFixtures.materialize(entry.getValue(), fixtures));
            assertThat(result.path("error_count").asInt(-1)).as("validation errors of %s:%n%s", entry.getKey(),
                    ConnectWorker.errors(result)).isZero();
        }));
    }
}
