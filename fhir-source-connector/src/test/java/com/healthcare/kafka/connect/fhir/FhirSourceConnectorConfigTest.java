package com.healthcare.kafka.connect.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.healthcare.kafka.connect.common.testing.ValidateProbe;

class FhirSourceConnectorConfigTest {

    static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put("fhir.url", "https://fhir.example.org/fhir");
        props.put("fhir.resource.types", "Patient,Observation");
        return props;
    }

    static Map<String, List<String>> errors(Map<String, String> props) {
        return ValidateProbe.errors(new FhirSourceConnector(), props);
    }

    static Stream<Path> shippedConfigs() throws IOException {
        return Files.list(Path.of("..", "connector-configs"))
                .filter(p -> p.getFileName().toString().startsWith("fhir-") && p.toString().endsWith(".json"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("shippedConfigs")
    void shippedConfigsValidateWithoutErrors(Path file) throws IOException {
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        Map<String, String> props = new HashMap<>();
        json.get("config").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
        assertThat(errors(props)).as(file.toString()).isEmpty();
        new FhirSourceConnectorConfig(props);
    }

    @Test
    void seed001SynonymsReachCanonicalKeys() {
        Map<String, String> props = new HashMap<>();
        props.put("fhir.server.url", "https://fhir-server:8000/fhir");
        props.put("fhir.server.auth.type", "oauth2");
        props.put("fhir.server.auth.oauth2.token.url", "https://auth-server/token");
        props.put("fhir.server.auth.oauth2.client.id", "id");
        props.put("fhir.server.auth.oauth2.client.secret", "secret");
        props.put("fhir.resources", "Patient,Encounter");
        assertThat(errors(props)).isEmpty();
        FhirSourceConnectorConfig config = new FhirSourceConnectorConfig(props);
        assertThat(config.fhirUrl()).isEqualTo("https://fhir-server:8000/fhir");
        assertThat(config.authType()).isEqualTo("oauth2");
        assertThat(config.oauthTokenEndpoint()).isEqualTo("https://auth-server/token");
        assertThat(config.oauthClientSecret().value()).isEqualTo("secret");
        assertThat(config.resourceTypes()).containsExactly("Patient", "Encounter");
    }

    @Test
    void synonymAndCanonicalWithDifferentValuesIsAConflict() {
        Map<String, String> props = minimal();
        props.put("fhir.server.url", "https://other.example.org/fhir");
        assertThat(errors(props).get("fhir.url")).singleElement().asString()
                .contains("synonym", "fhir.server.url");
    }

    @Test
    void onlyR4IsAccepted() {
        Map<String, String> props = minimal();
        props.put("fhir.version", "R5");
        assertThat(errors(props).get("fhir.version")).singleElement().asString()
                .contains("'R5' is not supported", "R4");
        props.put("fhir.version", "4.0.1");
        assertThat(errors(props)).isEmpty();
    }

    @Test
    void oauth2NeedsTokenEndpointAndClient() {
        Map<String, String> props = minimal();
        props.put("fhir.auth.type", "oauth2");
        Map<String, List<String>> errors = errors(props);
        assertThat(errors.get("fhir.auth.oauth.token.endpoint")).singleElement().asString()
                .contains("required when fhir.auth.type=oauth2");
        assertThat(errors).containsKeys("fhir.auth.oauth.client.id", "fhir.auth.oauth.client.secret");
        assertThatThrownBy(() -> FhirSourceConnectorConfig.parseStrict(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fhir.auth.oauth.token.endpoint");
    }

    @Test
    void bearerAndBasicNeedTheirSecrets() {
        Map<String, String> props = minimal();
        props.put("fhir.auth.type", "bearer");
        assertThat(errors(props)).containsOnlyKeys("fhir.auth.bearer.token");
        props.put("fhir.auth.type", "basic");
        props.put("fhir.auth.basic.username", "u");
        assertThat(errors(props)).containsOnlyKeys("fhir.auth.basic.password");
    }

    @Test
    void secretsArePasswords() {
        ConfigDef def = FhirSourceConnectorConfig.CONFIG_DEF;
        for (String key : List.of("fhir.auth.bearer.token", "fhir.auth.basic.password", "fhir.auth.oauth.client.secret",
                "fhir.subscription.channel.header", "fhir.subscription.listener.ssl.keystore.password")) {
            assertThat(def.configKeys().get(key).type).as(key).isEqualTo(ConfigDef.Type.PASSWORD);
        }
    }

    @Test
    void unknownResourceTypeIsNamed() {
        Map<String, String> props = minimal();
        props.put("fhir.resource.types", "Patient,Observations");
        assertThat(errors(props).get("fhir.resource.types")).singleElement().asString()
                .contains("'Observations' is not a FHIR R4 resource type");
    }

    @Test
    void subscriptionCriteriaMustNameAPolledType() {
        Map<String, String> props = minimal();
        props.put("fhir.subscription.enabled", "true");
        assertThat(errors(props).get("fhir.subscription.criteria")).singleElement().asString()
                .contains("is required");
        props.put("fhir.subscription.criteria", "Encounter?status=finished");
        assertThat(errors(props).get("fhir.subscription.criteria")).singleElement().asString()
                .contains("Encounter", "not in fhir.resource.types");
        props.put("fhir.subscription.criteria", "Observation?status=final");
        props.put("fhir.subscription.type", "websocket");
        assertThat(errors(props).get("fhir.subscription.type")).singleElement().asString()
                .contains("only rest-hook");
        props.put("fhir.subscription.type", "rest-hook");
        props.put("fhir.subscription.channel.endpoint", "not a url");
        assertThat(errors(props)).containsOnlyKeys("fhir.subscription.channel.endpoint");
        props.put("fhir.subscription.channel.endpoint", "https://connect.example.org/hook");
        props.put("fhir.subscription.channel.header", "no colon here");
        List<String> headerErrors = errors(props).get("fhir.subscription.channel.header");
        assertThat(headerErrors).singleElement().asString().contains("Header-Name: value")
                .doesNotContain("no colon here");
        props.put("fhir.subscription.channel.header", "X-Token: s3cret");
        assertThat(errors(props)).isEmpty();
    }

    @Test
    void queryParameterProblemsAreReportedOnTheirKey() {
        Map<String, String> props = minimal();
        props.put("fhir.resource.query.parameters", "Encounter:status=finished");
        assertThat(errors(props).get("fhir.resource.query.parameters")).singleElement().asString()
                .contains("Encounter", "not in fhir.resource.types");
        props.put("fhir.resource.query.parameters", "_lastUpdated=gt:${{TIMESTAMP}}&Observation:status=final");
        assertThat(errors(props)).isEmpty();
        FhirSourceConnectorConfig config = new FhirSourceConnectorConfig(props);
        assertThat(config.queryParameters().ignoredManaged()).containsExactly("_lastUpdated=gt:${{TIMESTAMP}}");
        assertThat(config.queryParameters().forType("Observation")).extracting(p -> p.toQuery())
                .containsExactly("status=final");
        assertThat(config.queryParameters().forType("Patient")).isEmpty();
    }

    @Test
    void sinceAcceptsInstantsAndDates() {
        Map<String, String> props = minimal();
        props.put("fhir.since", "2024-01-31");
        assertThat(new FhirSourceConnectorConfig(props).since()).isEqualTo("2024-01-31T00:00:00Z");
        props.put("fhir.since", "2024-01-31T08:00:00.123+01:00");
        assertThat(new FhirSourceConnectorConfig(props).since()).isEqualTo("2024-01-31T08:00:00.123+01:00");
        props.put("fhir.since", "yesterday");
        assertThat(errors(props).get("fhir.since")).singleElement().asString().contains("instant with offset");
    }

    @Test
    void typesAreSpreadAndSubscriptionTypesGoToTaskZero() {
        List<String> types = List.of("Patient", "Encounter", "Observation", "MedicationRequest", "Condition");
        assertThat(FhirSourceConnector.assign(types, List.of(), 2))
                .containsExactly(List.of("Patient", "Observation", "Condition"), List.of("Encounter", "MedicationRequest"));
        assertThat(FhirSourceConnector.assign(types, List.of("Observation"), 2))
                .containsExactly(List.of("Observation", "Encounter", "Condition"),
                        List.of("Patient", "MedicationRequest"));
        assertThat(FhirSourceConnector.assign(List.of("Patient"), List.of(), 4)).containsExactly(List.of("Patient"));
        assertThat(FhirSourceConnector.assign(List.of("Patient", "Observation"), List.of("Patient", "Observation"), 2))
                .containsExactly(List.of("Patient", "Observation"));
    }

    @Test
    void taskConfigsCarryTheAssignment() {
        Map<String, String> props = minimal();
        props.put("fhir.subscription.enabled", "true");
        props.put("fhir.subscription.criteria", "Observation?status=final");
        props.put("name", "c1");
        FhirSourceConnector connector = new FhirSourceConnector();
        connector.start(props);
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(0)).containsEntry(FhirSourceConnector.TASK_RESOURCE_TYPES, "Observation")
                .containsEntry(FhirSourceConnector.TASK_LISTENER, "true");
        assertThat(tasks.get(1)).containsEntry(FhirSourceConnector.TASK_RESOURCE_TYPES, "Patient")
                .containsEntry(FhirSourceConnector.TASK_LISTENER, "false");
    }

    @Test
    void sizeAndListenerLimitsAreCheckedAgainstEachOther() {
        Map<String, String> props = minimal();
        props.put("producer.override.max.request.size", "500000");
        props.put("fhir.subscription.listener.max.connections", "8");
        props.put("fhir.subscription.listener.max.connections.per.address", "9");
        Map<String, List<String>> errors = errors(props);
        assertThat(errors.get("fhir.record.max.bytes")).singleElement().asString()
                .contains("is 1000000 but producer.override.max.request.size is 500000");
        assertThat(errors.get("fhir.subscription.listener.max.connections.per.address")).singleElement().asString()
                .contains("more than fhir.subscription.listener.max.connections (8)");
        props.put("fhir.record.max.bytes", "400000");
        props.put("fhir.subscription.listener.max.connections.per.address", "8");
        assertThat(errors(props)).isEmpty();
        FhirSourceConnectorConfig config = new FhirSourceConnectorConfig(props);
        assertThat(config.errorTopic()).isEqualTo("fhir.errors");
        assertThat(config.recordMaxBytes()).isEqualTo(400_000);
    }
}
