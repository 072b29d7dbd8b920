package com.healthcare.kafka.connect.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/** The worker finds every plugin in the unpacked zips, with our build's version, and only there. */
class PluginDiscoveryIT {

    static final Map<String, String> EXPECTED = Map.of(
            "com.healthcare.kafka.connect.hl7.Hl7SourceConnector", "source",
            "com.healthcare.kafka.connect.fhir.FhirSourceConnector", "source",
            "com.healthcare.kafka.connect.transforms.Hl7ToFhir", "transformation",
            "com.healthcare.kafka.connect.transforms.MaskPhi$Key", "transformation",
            "com.healthcare.kafka.connect.transforms.MaskPhi$Value", "transformation",
            "com.healthcare.kafka.connect.transforms.FacilityMetadata", "transformation",
            "com.healthcare.kafka.connect.transforms.FhirResourceExtractor", "transformation");

    static ConnectWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("discovery");
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void everyPluginIsListedWithTheBuildVersion() {
        JsonNode plugins = worker.getJson("connector-plugins?connectorsOnly=false");
        Map<String, JsonNode> byClass = new HashMap<>();
        plugins.forEach(p -> byClass.put(p.get("class").asText(), p));

        EXPECTED.forEach((className, type) -> {
            assertThat(byClass).as("plugin %s listed by the worker", className).containsKey(className);
            JsonNode plugin = byClass.get(className);
            assertThat(plugin.get("type").asText()).as("type of %s", className).isEqualTo(type);
            assertThat(plugin.get("version").asText()).as("version of %s", className)
                    .isEqualTo(BuiltZips.version());
        });
        assertThat(byClass).as("the abstract MaskPhi is not a plugin")
                .doesNotContainKey("com.healthcare.kafka.connect.transforms.MaskPhi");
    }

    @Test
    void connectorConfigDefIsServedByTheWorker() {
        JsonNode config = worker.getJson(
                "connector-plugins/com.healthcare.kafka.connect.hl7.Hl7SourceConnector/config");
        assertThat(config.findValuesAsText("name")).contains("hl7.listener.port", "topic.prefix");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "com.healthcare.kafka.connect.hl7.Hl7SourceConnector",
            "com.healthcare.kafka.connect.fhir.FhirSourceConnector",
            "com.healthcare.kafka.connect.transforms.MaskPhi",
            "com.healthcare.kafka.connect.common.BuildVersion"})
    void pluginClassesAreNotOnTheTestClasspath(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }
}
