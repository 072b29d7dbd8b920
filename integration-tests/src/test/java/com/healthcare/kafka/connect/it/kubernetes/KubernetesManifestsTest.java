package com.healthcare.kafka.connect.it.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.healthcare.kafka.connect.it.kubernetes.KubernetesManifests.Manifest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;

/**
 * docker/kubernetes/ cannot be applied here (no cluster), so it is checked as a cluster would read it: every
 * manifest parses into the typed Kubernetes or Strimzi model with no unknown field, the generated resources match
 * connector-configs/, and the pieces refer to each other correctly (selectors, mounted ConfigMaps and Secrets,
 * the balancer's DNS name, ports). Whether each KafkaConnector's config is valid for its connector is checked on a
 * real worker by {@code KubernetesConnectorsIT}.
 */
class KubernetesManifestsTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path K8S = KubernetesManifests.root(ROOT);

    @TestFactory
    Stream<DynamicTest> everyManifestParsesIntoItsTypedModelWithNoUnknownField() {
        List<Path> files = KubernetesManifests.files(ROOT);
        assertThat(files).as("manifests under %s", K8S).isNotEmpty();
        return files.stream().flatMap(file -> KubernetesManifests.load(file).stream())
                .map(m -> DynamicTest.dynamicTest(m.label(), () -> {
                    assertThat(KubernetesManifests.unknownFields(m.model())).as("unknown fields in %s", m.label())
                            .isEmpty();
                    assertThat(m.model().getMetadata().getNamespace()).as("%s namespace", m.label())
                            .isIn(ConnectorResources.NAMESPACE, null);
                }));
    }

    @Test
    void theUnknownFieldCheckCatchesAMisspeltField() throws IOException {
        Path file = Files.createTempFile("misspelt", ".yaml");
        Files.writeString(file, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                spec:
                  replica: 3
                  template:
                    spec:
                      containers:
                        - name: c
                          image: i
                          readinesProbe: {}
                """);
        Manifest manifest = KubernetesManifests.load(file).get(0);
        assertThat(KubernetesManifests.unknownFields(manifest.model()))
                .containsExactlyInAnyOrder("spec.replica", "spec.template.spec.containers[0].readinesProbe");
    }

    @Test
    void generatedResourcesMatchConnectorConfigs() throws IOException {
        Map<String, String> expected = ConnectorResources.generate(ROOT);
        if (Boolean.getBoolean("kubernetes.regenerate")) {
            try (Stream<Path> old = Files.list(K8S.resolve("strimzi/connectors"))) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, String> file : expected.entrySet()) {
                Files.writeString(K8S.resolve(file.getKey()), file.getValue());
            }
        }
        Set<String> committed;
        try (Stream<Path> files = Files.list(K8S.resolve("strimzi/connectors"))) {
            committed = files.map(p -> "strimzi/connectors/" + p.getFileName()).collect(Collectors.toSet());
        }
        committed.add("plain/connectors.yaml");
        assertThat(committed).as("generated files (regenerate with -Dkubernetes.regenerate=true)")
                .isEqualTo(expected.keySet());
        for (Map.Entry<String, String> file : expected.entrySet()) {
            assertThat(Files.readString(K8S.resolve(file.getKey())))
                    .as("%s is stale: regenerate with -Dkubernetes.regenerate=true", file.getKey())
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void resourceNamesAreValidKubernetesNames() {
        assertThat(ConnectorResources.resourceName("clinicmaster-cdc-${env:FACILITY_DHIS2_CODE}"))
                .isEqualTo("clinicmaster-cdc-facility-dhis2-code");
        for (KafkaConnector connector : models(KafkaConnector.class)) {
            assertThat(connector.getMetadata().getName()).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        }
    }

    @Test
    void oneKafkaConnectorPerShippedConfigOnTheKafkaConnectCluster() {
        List<KafkaConnector> connectors = models(KafkaConnector.class);
        assertThat(connectors.stream().map(c -> c.getMetadata().getName()).toList())
                .containsExactlyInAnyOrderElementsOf(ConnectorResources.shippedConfigs(ROOT).stream()
                        .map(c -> ConnectorResources.resourceName(c.name())).toList());
        KafkaConnect connect = models(KafkaConnect.class).get(0);
        assertThat(connect.getMetadata().getAnnotations()).containsEntry("strimzi.io/use-connector-resources", "true");
        for (KafkaConnector connector : connectors) {
            assertThat(connector.getMetadata().getLabels())
                    .containsEntry("strimzi.io/cluster", connect.getMetadata().getName());
            assertThat(connector.getSpec().getConfig()).doesNotContainKeys("connector.class", "tasks.max", "name");
        }
    }

    @Test
    void plainManifestsReferToEachOther() throws IOException {
        Deployment connect = byName(Deployment.class, "healthcare-connect");
        assertThat(connect.getSpec().getReplicas()).isEqualTo(ConnectorResources.WORKERS);
        Map<String, String> podLabels = connect.getSpec().getTemplate().getMetadata().getLabels();
        // Every Service selecting Connect pods selects this Deployment's pods.
        for (Service service : models(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector.containsKey("app.kubernetes.io/name")
                    && selector.get("app.kubernetes.io/name").equals("healthcare-connect")) {
                assertThat(podLabels).containsAllEntriesOf(selector);
            }
        }
        // Mounted ConfigMaps and Secrets exist as manifests (connect-tls is created from files: README).
        Set<String> configMaps = names(ConfigMap.class);
        Set<String> secrets = new HashSet<>(names(io.fabric8.kubernetes.api.model.Secret.class));
        secrets.add("connect-tls");
        List<PodSpec> pods = new ArrayList<>();
        models(Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        models(Job.class).forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
        for (PodSpec pod : pods) {
            for (Volume volume : pod.getVolumes()) {
                if (volume.getConfigMap() != null) {
                    assertThat(configMaps).contains(volume.getConfigMap().getName());
                }
                if (volume.getSecret() != null) {
                    assertThat(secrets).contains(volume.getSecret().getSecretName());
                }
            }
        }
        // The worker properties: config providers for mounted secrets and the pod address, the fast task move.
        Properties worker = workerProperties();
        assertThat(worker.getProperty("config.providers")).contains("file", "env");
        assertThat(worker.getProperty("rest.advertised.host.name")).isEqualTo("${env:POD_IP}");
        assertThat(connect.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anyMatch(e -> e.getName().equals("POD_IP")
                        && e.getValueFrom().getFieldRef().getFieldPath().equals("status.podIP"));
        assertThat(Long.parseLong(worker.getProperty("scheduled.rebalance.max.delay.ms"))).isLessThanOrEqualTo(30_000);
        assertThat(connect.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
                .contains("/etc/healthcare/worker/connect-distributed.properties");
    }

    @Test
    void theBalancerFindsTheConnectPodsByTheHeadlessServicesSrvRecords() {
        for (String flavour : List.of("plain", "strimzi")) {
            List<Manifest> manifests = KubernetesManifests.loadAll(ROOT).stream()
                    .filter(m -> m.file().startsWith(K8S.resolve(flavour))).toList();
            Service headless = manifests.stream().map(Manifest::model).filter(Service.class::isInstance)
                    .map(Service.class::cast).filter(s -> "None".equals(s.getSpec().getClusterIP())).findFirst()
                    .orElseThrow();
            assertThat(headless.getSpec().getPublishNotReadyAddresses()).as(flavour).isTrue();
            String portName = headless.getSpec().getPorts().get(0).getName();
            String srv = "_" + portName + "._tcp." + headless.getMetadata().getName() + "."
                    + headless.getMetadata().getNamespace() + ".svc.cluster.local";
            ConfigMap haproxy = manifests.stream().map(Manifest::model).filter(ConfigMap.class::isInstance)
                    .map(ConfigMap.class::cast).filter(c -> c.getMetadata().getName().equals("mllp-balancer"))
                    .findFirst().orElseThrow();
            BalancerSettings settings = BalancerSettings.parse(haproxy.getData().get("haproxy.cfg"));
            assertThat(settings.srvName()).as(flavour).isEqualTo(srv);
            assertThat(settings.shutdownSessionsOnDown()).as(flavour).isTrue();
        }
    }

    static Properties workerProperties() throws IOException {
        ConfigMap worker = byName(ConfigMap.class, "healthcare-connect-worker");
        Properties props = new Properties();
        props.load(new StringReader(worker.getData().get("connect-distributed.properties")));
        return props;
    }

    static <T> List<T> models(Class<T> type) {
        return KubernetesManifests.loadAll(ROOT).stream().map(Manifest::model).filter(type::isInstance)
                .map(type::cast).toList();
    }

    static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T byName(Class<T> type, String name) {
        return models(type).stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Set<String> names(Class<T> type) {
        return models(type).stream().map(m -> m.getMetadata().getName()).collect(Collectors.toSet());
    }
}
