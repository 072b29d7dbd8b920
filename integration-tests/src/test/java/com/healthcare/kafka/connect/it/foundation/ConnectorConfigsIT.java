package com.healthcare.kafka.connect.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConfigFixtures;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * Every ready-to-POST file in connector-configs/ whose connector class this worker has (ours, and Kafka's own such
 * as MirrorSourceConnector) validates with 0 errors through PUT /connector-plugins/{class}/config/validate.
 * Configs of third-party connectors (Debezium) are validated by the CDC ITs, whose worker carries those plugins.
 */
class ConnectorConfigsIT {

    static ConnectWorker worker;
    static Set<String> available;

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("configs");
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

    static List<Path> configFiles() throws IOException {
        try (Stream<Path> files = Files.walk(BuiltZips.projectRoot().resolve("connector-configs"))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyOneOfOurConnectorsHasAtLeastOneConfig() throws IOException {
        Set<String> classes = new HashSet<>();
        for (Path file : configFiles()) {
            classes.add(ConnectWorker.JSON.readTree(file.toFile()).path("config").path("connector.class").asText());
        }
        assertThat(classes).contains("com.healthcare.kafka.connect.hl7.Hl7SourceConnector",
                "com.healthcare.kafka.connect.fhir.FhirSourceConnector");
    }

    @TestFactory
    Stream<DynamicTest> everyConfigValidatesWithoutErrors() throws IOException {
        Path fixtures = Files.createDirectories(BuiltZips.workDir()).resolve("config-fixtures");
        return configFiles().stream().map(file -> DynamicTest.dynamicTest(
                BuiltZips.projectRoot().relativize(file).toString(), () -> {
                    JsonNode root = ConnectWorker.JSON.readTree(file.toFile());
                    assertThat(root.path("name").asText()).as("%s has a name", file).isNotBlank();
                    assertThat(root.path("config").isObject()).as("%s has a config object", file).isTrue();
                    Map<String, String> config = new LinkedHashMap<>();
                    root.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
                    String connectorClass = config.get("connector.class");
                    if (!available.contains(connectorClass)) {
                        assertThat(connectorClass).as("%s names a connector this worker lacks", file)
                                .startsWith("io.debezium.");
                        return;
                    }
                    config.putIfAbsent("name", root.get("name").asText());
                    JsonNode result = worker.validateJson(connectorClass, ConfigFixtures.materialize(config, fixtures));
                    assertThat(result.path("error_count").asInt(-1)).as("validation errors of %s:%n%s", file,
                            ConnectWorker.errors(result)).isZero();
                }));
    }
}
