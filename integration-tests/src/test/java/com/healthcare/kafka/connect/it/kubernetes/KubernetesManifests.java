package com.healthcare.kafka.connect.it.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;

/**
 * The manifests of docker/kubernetes/, read into the typed models Kubernetes and Strimzi clients use. The models
 * keep fields they do not know in {@code additionalProperties} instead of failing, so {@link #unknownFields}
 * walks every object of a parsed manifest and reports each such field: a misspelt or misplaced key fails a test
 * here instead of being ignored (or rejected) by a cluster.
 */
final class KubernetesManifests {

    static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** apiVersion + kind -> the model class; a kind missing here is itself a failure (nothing goes unchecked). */
    static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1/KafkaConnect", KafkaConnect.class),
            Map.entry("kafka.strimzi.io/v1/KafkaConnector", KafkaConnector.class));

    /** One YAML document of a manifest file, with its typed model. */
    record Manifest(Path file, int document, JsonNode tree, HasMetadata model) {
        String label() {
            return file.getFileName() + "#" + document + " " + model.getKind() + "/" + model.getMetadata().getName();
        }
    }

    private KubernetesManifests() {
    }

    static Path root(Path projectRoot) {
        return projectRoot.resolve("docker").resolve("kubernetes");
    }

    static List<Path> files(Path projectRoot) {
        try (Stream<Path> files = Files.walk(root(projectRoot))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Manifest> load(Path file) {
        List<Manifest> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (docs.hasNext()) {
                JsonNode tree = docs.next();
                index++;
                if (tree == null || tree.isNull() || tree.isMissingNode() || tree.isEmpty()) {
                    continue;
                }
                String type = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
                Class<? extends HasMetadata> model = MODELS.get(type);
                if (model == null) {
                    throw new IllegalArgumentException(file + " document " + index + ": no typed model for " + type);
                }
                manifests.add(new Manifest(file, index, tree, YAML.treeToValue(tree, model)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
        return manifests;
    }

    private static final Map<Path, List<Manifest>> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Every manifest under docker/kubernetes/ (read once per test JVM). */
    static List<Manifest> loadAll(Path projectRoot) {
        return LOADED.computeIfAbsent(projectRoot,
                root -> files(root).stream().flatMap(f -> load(f).stream()).toList());
    }

    /** Paths (a.b[0].c) of every field a model did not recognise, anywhere in {@code root}. */
    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return found;
    }

    private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            // Free-form maps (labels, ConfigMap data, Connect config): their entries are data, not fields.
            map.forEach((k, v) -> {
                if (isModel(v)) {
                    walk(v, path + "." + k, found, seen);
                }
            });
            return;
        }
        if (!isModel(value)) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = getter.getName();
            if (!name.startsWith("get") || name.equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                continue;
            }
            if (name.equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> found.add((path.isEmpty() ? "" : path + ".") + k));
                }
                continue;
            }
            String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
            walk(child, path.isEmpty() ? field : path + "." + field, found, seen);
        }
    }

    private static boolean isModel(Object value) {
        if (value == null) {
            return false;
        }
        String pkg = value.getClass().getPackageName();
        return pkg.startsWith("io.fabric8.kubernetes.api.model") || pkg.startsWith("io.strimzi.api");
    }
}
