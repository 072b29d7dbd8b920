package com.healthcare.kafka.connect.fhir.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.healthcare.kafka.connect.common.ConfigDocs;
import com.healthcare.kafka.connect.common.testing.ValidateProbe;

class FhirSinkConnectorConfigTest {

    static Map<String, List<String>> errors(Map<String, String> props) {
        return ValidateProbe.errors(new FhirSinkConnector(), props);
    }

    @Test
    void everyMistakeGetsOneMessageOnItsKey() {
        Map<String, String> props = new HashMap<>();
        props.put("fhir.url", "ftp://x");
        props.put("fhir.sink.batch.mode", "bulk");
        props.put("fhir.sink.max.in.flight", "0");
        props.put("fhir.auth.type", "basic");
        props.put("fhir.auth.basic.username", "u");
        props.put("fhir.sink.conditional.identifier.system", "urn:mrn");
        props.put("errors.deadletterqueue.topic.name", "dlq");
        Map<String, List<String>> errors = errors(props);
        assertThat(errors).containsOnlyKeys("fhir.url", "fhir.sink.batch.mode", "fhir.sink.max.in.flight",
                "fhir.auth.basic.password", "fhir.sink.conditional.identifier.system", "errors.tolerance");
        errors.values().forEach(messages -> assertThat(messages).hasSize(1));
        assertThat(errors.get("errors.tolerance").get(0)).contains("errors.tolerance=all");
        assertThat(errors.get("fhir.sink.conditional.identifier.system").get(0))
                .contains("fhir.sink.conditional.mode");
    }

    @Test
    void seed001SynonymsAndSecretsArePasswords() {
        Map<String, String> props = Map.of("fhir.server.url", "https://fhir:8000/fhir", "fhir.server.auth.type",
                "oauth2", "fhir.server.auth.oauth2.token.url", "https://auth/token", "fhir.server.auth.oauth2.client.id",
                "id", "fhir.server.auth.oauth2.client.secret", "secret");
        assertThat(errors(props)).isEmpty();
        FhirSinkConnectorConfig config = new FhirSinkConnectorConfig(props);
        assertThat(config.fhirUrl()).isEqualTo("https://fhir:8000/fhir");
        assertThat(config.toString()).doesNotContain("secret=");
        assertThat(FhirSinkConnectorConfig.CONFIG_DEF.configKeys().get("fhir.auth.oauth.client.secret").type)
                .hasToString("PASSWORD");
        assertThat(FhirSinkConnectorConfig.CONFIG_DEF.configKeys().get("fhir.auth.bearer.token").type)
                .hasToString("PASSWORD");
    }

    static Stream<Path> shippedConfigs() throws IOException {
        return Files.list(Path.of("..", "connector-configs")).filter(p -> p.toString().endsWith(".json"))
                .filter(p -> {
                    try {
                        return Files.readString(p).contains(FhirSinkConnector.class.getName());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).sorted();
    }

    @Test
    void atLeastOneExampleIsShipped() throws IOException {
        assertThat(shippedConfigs()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("shippedConfigs")
    void shippedConfigsValidateWithoutErrors(Path file) throws IOException {
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        Map<String, String> props = new HashMap<>();
        json.get("config").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
        assertThat(errors(props)).as(file.toString()).isEmpty();
        FhirSinkConnectorConfig.parseStrict(props);
    }

    @Test
    void committedReferenceMatchesTheConfigDef() {
        String md = ConfigDocs.toMarkdown("FHIR R4 sink: " + FhirSinkConnector.class.getName(),
                "Writes FHIR R4 resources and transaction/batch Bundles from Kafka to a FHIR server. See "
                        + "docs/fhir-sink.md for semantics.",
                FhirSinkConnectorConfig.CONFIG_DEF, FhirSinkConnectorConfig.ALIASES.aliases());
        assertThat(ConfigDocs.checkOrUpdate(Path.of("..", "docs", "config", "FhirSinkConnector.md"), md,
                Boolean.getBoolean("config.docs.update"))).isNull();
    }
}
