package com.healthcare.kafka.connect.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.healthcare.kafka.connect.common.testing.ValidateProbe;

/** What PUT /connector-plugins/.../config/validate reports, through {@link Hl7SourceConnector#validate}. */
class Hl7SourceConnectorConfigTest {

    private final Hl7SourceConnector connector = new Hl7SourceConnector();

    private Map<String, List<String>> errors(Map<String, String> props) {
        return ValidateProbe.errors(connector, props);
    }

    @Test
    void defaultsAreValid() {
        assertThat(errors(Map.of())).isEmpty();
        Hl7SourceConnectorConfig config = new Hl7SourceConnectorConfig(Map.of());
        assertThat(config.listenerPort()).isEqualTo(2575);
        assertThat(config.errorTopic()).isEqualTo("hl7.errors");
        assertThat(config.tlsEnabled()).isFalse();
    }

    @Test
    void seed001SynonymsMeanTheCanonicalKeys() {
        Map<String, String> props = Map.of("port", "2600", "channels", "ADT,ORM", "batch.size", "50");
        assertThat(errors(props)).isEmpty();
        Hl7SourceConnectorConfig config = new Hl7SourceConnectorConfig(props);
        assertThat(config.listenerPort()).isEqualTo(2600);
        assertThat(config.maxBatchSize()).isEqualTo(50);
        assertThat(config.messageTypeFilter().accepts("ORM", "O01")).isTrue();
        assertThat(config.messageTypeFilter().accepts("ORU", "R01")).isFalse();
    }

    @Test
    void aSynonymContradictingItsCanonicalKeyIsAnError() {
        assertThat(errors(Map.of("port", "2600", "hl7.listener.port", "2601")).get("hl7.listener.port"))
                .singleElement().asString().contains("'port' is a synonym of 'hl7.listener.port'");
        assertThat(errors(Map.of("port", "2600", "hl7.listener.port", "2600"))).isEmpty();
    }

    @Test
    void badValuesGetClearMessagesOnTheirKey() {
        Map<String, String> props = new HashMap<>();
        props.put("hl7.message.types", "ADT^A01,ADT^^");
        props.put("hl7.topic.mapping", "ADT^A01=clinical");
        props.put("processing.guarantee", "twice");
        props.put("hl7.charset", "klingon");
        props.put("hl7.version", "3.0");
        props.put("hl7.response.code.success", "OK");
        props.put("topic.prefix", "bad prefix/");
        props.put("hl7.key.source", "mrn");
        props.put("hl7.listener.port", "70000");
        Map<String, List<String>> errors = errors(props);
        assertThat(errors.get("hl7.message.types")).singleElement().asString().contains("'ADT^^' is not a message type");
        assertThat(errors.get("hl7.topic.mapping")).singleElement().asString().contains("TYPE[^EVENT]:topic");
        assertThat(errors.get("processing.guarantee")).singleElement().asString().contains("twice");
        assertThat(errors.get("hl7.charset")).singleElement().asString().contains("Unknown character set");
        assertThat(errors.get("hl7.version")).singleElement().asString().contains("2.1 ... 2.8.1");
        assertThat(errors.get("hl7.response.code.success")).singleElement().asString().contains("AA, CA");
        assertThat(errors.get("topic.prefix")).singleElement().asString().contains("letters, digits");
        assertThat(errors.get("hl7.key.source")).isNotEmpty();
        assertThat(errors.get("hl7.listener.port")).isNotEmpty();
    }

    @Test
    void tlsWithoutKeyStoreIsAnErrorAlsoInSeed001sLegacyForm() {
        assertThat(errors(Map.of("hl7.security.enabled", "true")).get("hl7.security.keystore.location"))
                .singleElement().asString().contains("Required when hl7.security.enabled is true");
        Map<String, String> legacy = Map.of("hl7.security.enabled", "true",
                "hl7.security.username", "u", "hl7.security.password", "p");
        assertThat(errors(legacy).get("hl7.security.keystore.location")).hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("MLLP has no username/password authentication")
                        .contains("hl7.security.enabled=false"));
        assertThat(errors(Map.of("hl7.security.enabled", "false", "hl7.security.username", "u"))).isEmpty();
        assertThat(errors(Map.of("hl7.security.enabled", "true", "hl7.security.keystore.location", "/nope.p12"))
                .get("hl7.security.keystore.location")).singleElement().asString().contains("Cannot read the file");
    }

    @Test
    void messageLimitMustFitTheProducerRequest() {
        assertThat(errors(Map.of("hl7.max.message.bytes", "5000000")).get("hl7.max.message.bytes"))
                .singleElement().asString().contains("producer.override.max.request.size");
        assertThat(errors(Map.of("hl7.max.message.bytes", "5000000",
                "producer.override.max.request.size", "8000000"))).isEmpty();
    }

    @Test
    void errorRecordPrefixMustFitTheProducerRequestAfterTheConverterGrowsIt() {
        // 800 KiB raw is 1.07 MB of base64 under JsonConverter (the default when value.converter is unset).
        assertThat(errors(Map.of("hl7.error.record.max.bytes", "819200")).get("hl7.error.record.max.bytes"))
                .singleElement().asString().contains("JsonConverter (base64, 4/3)").contains("max.request.size");
        assertThat(errors(Map.of("hl7.error.record.max.bytes", "819200", "value.converter",
                "org.apache.kafka.connect.converters.ByteArrayConverter"))).isEmpty();
        assertThat(errors(Map.of("hl7.error.record.max.bytes", "819200",
                "producer.override.max.request.size", "2000000"))).isEmpty();
        assertThat(new Hl7SourceConnectorConfig(Map.of("producer.override.max.request.size", "2000000"))
                .maxRecordBytes()).isEqualTo(2_000_000);
    }

    @Test
    void exactlyOnceSupportFollowsTheGuarantee() {
        assertThat(connector.exactlyOnceSupport(Map.of("processing.guarantee", "exactly_once")))
                .isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.exactlyOnceSupport(Map.of())).isEqualTo(ExactlyOnceSupport.UNSUPPORTED);
    }

    @Test
    void tasksGetTheirIndex() {
        connector.start(Map.of("name", "c"));
        assertThat(connector.taskConfigs(3)).extracting(m -> m.get(Hl7SourceConnectorConfig.TASK_INDEX))
                .containsExactly("0", "1", "2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hl7-mllp-source.json", "sandbox/hl7-mllp-source.json"})
    void shippedConfigsValidate(String file) throws IOException {
        assertThat(errors(shipped(file))).isEmpty();
    }

    @Test
    void seed000OnlyLacksItsKeyStoresOnThisMachine() throws IOException {
        assertThat(errors(shipped("hl7-seed000.json")).keySet())
                .containsOnly("hl7.security.keystore.location", "hl7.security.truststore.location");
    }

    @Test
    void seed001OnlyLacksItsKeyStoreOnThisMachine() throws IOException {
        assertThat(errors(shipped("hl7-seed001.json")).get("hl7.security.keystore.location"))
                .singleElement().asString().contains("Cannot read the file");
    }

    @Test
    void everyShippedHl7ConfigButTheServerOnesBindsLoopback() throws IOException {
        Path root = Path.of("..", "connector-configs");
        assertThat(hl7Configs(root)).as("HL7 configs found").hasSizeGreaterThanOrEqualTo(5);
        assertThat(notLoopback(root)).as("shipped HL7 configs that open an unauthenticated PHI listener wider than"
                + " loopback (only central/ is meant for a server)").isEmpty();
    }

    @Test
    void theLoopbackCheckCatchesAMissingOrWideHost(@TempDir Path root) throws IOException {
        String hl7 = "{\"name\":\"x\",\"config\":{\"connector.class\":\"" + Hl7SourceConnector.class.getName()
                + "\"%s}}";
        Files.createDirectories(root.resolve("central"));
        Files.writeString(root.resolve("central/server.json"), hl7.formatted(",\"hl7.listener.host\":\"0.0.0.0\""));
        Files.writeString(root.resolve("no-host.json"), hl7.formatted(""));
        Files.writeString(root.resolve("wide.json"), hl7.formatted(",\"hl7.listener.host\":\"0.0.0.0\""));
        Files.writeString(root.resolve("local.json"), hl7.formatted(",\"hl7.listener.host\":\"127.0.0.1\""));
        Files.writeString(root.resolve("other.json"), "{\"name\":\"y\",\"config\":{\"connector.class\":\"X\"}}");
        assertThat(notLoopback(root)).containsExactlyInAnyOrder("no-host.json", "wide.json");
    }

    /** Files under {@code root} (central/ excepted: server configs) whose HL7 listener is not on loopback. */
    static List<String> notLoopback(Path root) throws IOException {
        List<String> wide = new java.util.ArrayList<>();
        for (Path file : hl7Configs(root)) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            String host = new ObjectMapper().readTree(file.toFile()).path("config").path("hl7.listener.host")
                    .asText("");
            if (!relative.startsWith("central/") && !Set.of("127.0.0.1", "::1", "localhost").contains(host)) {
                wide.add(relative);
            }
        }
        return wide;
    }

    static List<Path> hl7Configs(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> json = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            List<Path> hl7 = new java.util.ArrayList<>();
            for (Path f : json) {
                if (Hl7SourceConnector.class.getName().equals(new ObjectMapper().readTree(f.toFile())
                        .path("config").path("connector.class").asText())) {
                    hl7.add(f);
                }
            }
            return hl7;
        }
    }

    static Map<String, String> shipped(String file) throws IOException {
        JsonNode config = new ObjectMapper().readTree(Path.of("..", "connector-configs", file).toFile()).get("config");
        Map<String, String> props = new HashMap<>();
        config.properties().forEach(e -> props.put(e.getKey(), e.getValue().asText()));
        return props;
    }
}
