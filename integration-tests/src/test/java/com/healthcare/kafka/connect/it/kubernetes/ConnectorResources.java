package com.healthcare.kafka.connect.it.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Kubernetes forms of connector-configs/, generated so they never drift from the JSON files the other tests
 * validate: one Strimzi {@code KafkaConnector} per top-level connector-configs/*.json
 * (docker/kubernetes/strimzi/connectors/NAME.yaml), and the ConfigMap of configs the plain manifests' Job applies
 * (docker/kubernetes/plain/connectors.yaml). {@code KubernetesManifestsTest} compares them with the committed
 * files and rewrites them with {@code -Dkubernetes.regenerate=true}.
 *
 * <p>What changes on the way, and why: an HL7 listener binds every interface of its pod ({@code 0.0.0.0}; a
 * shipped config binds loopback on a laptop, which no sender could reach in a pod; the NetworkPolicy lets only the
 * MLLP balancer in) and runs one task per worker ({@code tasks.max=3}), so each of the 3 pods normally listens.
 */
final class ConnectorResources {

    static final String CLUSTER = "healthcare-connect";
    static final String NAMESPACE = "healthcare";
    static final String HL7_SOURCE = "com.healthcare.kafka.connect.hl7.Hl7SourceConnector";
    static final int WORKERS = 3;
    /** The configs the plain manifests' Job applies (the Strimzi side has one resource per file). */
    static final List<String> PLAIN_CONFIGS = List.of("hl7-mllp-source.json");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build();

    /** A connector-configs/ file: its name and config, as the REST API takes them. */
    record ConnectorFile(Path file, String name, Map<String, String> config) {
    }

    private ConnectorResources() {
    }

    static List<ConnectorFile> shippedConfigs(Path projectRoot) {
        try (Stream<Path> files = Files.list(projectRoot.resolve("connector-configs"))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().map(ConnectorResources::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConnectorFile read(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Map<String, String> config = new LinkedHashMap<>();
            root.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            return new ConnectorFile(file, root.get("name").asText(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /**
     * The KafkaConnector's name, which Strimzi also gives the connector: the JSON's name where it is a valid
     * Kubernetes name; a per-site placeholder such as {@code ${env:FACILITY_DHIS2_CODE}} (set by the facility kit's
     * apply script) becomes its variable's name in lower case, to be replaced per site.
     */
    static String resourceName(String name) {
        String resolved = PLACEHOLDER.matcher(name).replaceAll(m -> m.group(1).toLowerCase(java.util.Locale.ROOT));
        String dns = resolved.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
        return dns.replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
    }

    private static final java.util.regex.Pattern PLACEHOLDER =
            java.util.regex.Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)(?::[^}]*)?}");

    /** The config as it runs on Kubernetes (see the class comment for what changes). */
    static Map<String, String> forKubernetes(Map<String, String> config) {
        Map<String, String> k8s = new LinkedHashMap<>(config);
        if (HL7_SOURCE.equals(config.get("connector.class"))) {
            k8s.put("hl7.listener.host", "0.0.0.0");
            k8s.put("tasks.max", Integer.toString(WORKERS));
        }
        return k8s;
    }

    /** Relative path under docker/kubernetes/ -> the generated file's text. */
    static Map<String, String> generate(Path projectRoot) {
        Map<String, String> files = new TreeMap<>();
        for (ConnectorFile connector : shippedConfigs(projectRoot)) {
            files.put("strimzi/connectors/" + resourceName(connector.name()) + ".yaml", kafkaConnector(connector));
        }
        files.put("plain/connectors.yaml", plainConfigMap(projectRoot));
        return files;
    }

    static String kafkaConnector(ConnectorFile connector) {
        Map<String, String> config = forKubernetes(connector.config());
        String connectorClass = config.remove("connector.class");
        String tasksMax = config.remove("tasks.max");
        config.remove("name");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", resourceName(connector.name()));
        metadata.put("namespace", NAMESPACE);
        metadata.put("labels", Map.of("strimzi.io/cluster", CLUSTER));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("class", connectorClass);
        spec.put("tasksMax", tasksMax == null ? 1 : Integer.parseInt(tasksMax));
        spec.put("config", config);
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("apiVersion", "kafka.strimzi.io/v1");
        resource.put("kind", "KafkaConnector");
        resource.put("metadata", metadata);
        resource.put("spec", spec);
        return header(connector.file().getFileName().toString()) + yaml(resource);
    }

    static String plainConfigMap(Path projectRoot) {
        Map<String, String> data = new LinkedHashMap<>();
        for (String name : PLAIN_CONFIGS) {
            ConnectorFile connector = read(projectRoot.resolve("connector-configs").resolve(name));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", connector.name());
            body.put("config", forKubernetes(connector.config()));
            try {
                data.put(name, JSON.writeValueAsString(body) + "\n");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "healthcare-connectors");
        metadata.put("namespace", NAMESPACE);
        metadata.put("labels", Map.of("app.kubernetes.io/part-of", CLUSTER));
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("apiVersion", "v1");
        resource.put("kind", "ConfigMap");
        resource.put("metadata", metadata);
        resource.put("data", data);
        return header(String.join(", ", PLAIN_CONFIGS)) + yaml(resource);
    }

    private static String header(String source) {
        return "# Generated from connector-configs/" + source + " by KubernetesManifestsTest: edit the JSON, then run\n"
                + "#   ./mvnw -B -ntp test -pl integration-tests -Dtest=KubernetesManifestsTest"
                + " -Dkubernetes.regenerate=true\n"
                + "# On Kubernetes an HL7 listener binds 0.0.0.0 in its pod and runs one task per worker.\n";
    }

    private static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
