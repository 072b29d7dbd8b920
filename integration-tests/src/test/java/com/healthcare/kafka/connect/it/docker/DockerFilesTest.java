package com.healthcare.kafka.connect.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the docker/ files are checked statically: every compose file parses, and every
 * file or directory it references (build context, Dockerfile, bind mounts, env files, secrets) exists in the
 * repository (a secret or env file may exist as a committed *.sample). Files a Dockerfile COPYs exist too.
 */
@SuppressWarnings("unchecked")
class DockerFilesTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static List<Path> composeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("docker"))) {
            return files.filter(p -> p.getFileName().toString().matches("(docker-)?compose.*\\.ya?ml")).sorted()
                    .toList();
        }
    }

    @Test
    void thereIsACentralAndAFacilityComposeFile() throws IOException {
        assertThat(composeFiles()).anyMatch(p -> p.getParent().equals(ROOT.resolve("docker")));
    }

    @TestFactory
    Stream<DynamicTest> composeReferencesExist() throws IOException {
        return composeFiles().stream().map(file -> DynamicTest.dynamicTest(ROOT.relativize(file).toString(), () -> {
            Map<String, Object> compose = new Yaml().load(Files.readString(file));
            assertThat(compose).containsKey("services");
            Path dir = file.getParent();
            List<String> problems = new ArrayList<>();
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
            services.forEach((name, service) -> {
                assertThat(service).as("service %s has an image or a build", name)
                        .containsAnyOf(Map.entry("image", service.getOrDefault("image", "")),
                                Map.entry("build", service.getOrDefault("build", "")));
                Object build = service.get("build");
                if (build instanceof String context) {
                    requireExists(dir.resolve(context), name + " build context", problems);
                } else if (build instanceof Map<?, ?> b) {
                    Path context = dir.resolve(String.valueOf(b.get("context") == null ? "." : b.get("context")));
                    requireExists(context, name + " build context", problems);
                    if (b.get("dockerfile") != null) {
                        Path dockerfile = context.resolve(String.valueOf(b.get("dockerfile")));
                        requireExists(dockerfile, name + " dockerfile", problems);
                        checkDockerfile(dockerfile, context, problems);
                    }
                }
                for (Object volume : list(service.get("volumes"))) {
                    String source = volume instanceof Map<?, ?> v ? String.valueOf(v.get("source"))
                            : String.valueOf(volume).split(":")[0];
                    if (source.startsWith(".") || source.startsWith("/")) {
                        requireExists(dir.resolve(source), name + " volume " + source, problems);
                    }
                }
                for (Object env : list(service.get("env_file"))) {
                    String path = env instanceof Map<?, ?> e ? String.valueOf(e.get("path")) : String.valueOf(env);
                    requireExistsOrSample(dir.resolve(path), name + " env_file", problems);
                }
            });
            Object secrets = compose.get("secrets");
            if (secrets instanceof Map<?, ?> s) {
                s.forEach((name, secret) -> {
                    if (secret instanceof Map<?, ?> m && m.get("file") != null) {
                        requireExistsOrSample(dir.resolve(String.valueOf(m.get("file"))), "secret " + name, problems);
                    }
                });
            }
            assertThat(problems).as("missing files referenced by %s", file).isEmpty();
        }));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(Path composeFile) throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(composeFile));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void theBuildContextSendsNoBuildOutputDataSecretsOrHistory() throws IOException {
        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignored).contains(".git", "**/target", "sandbox-data", "docker/secrets/*", "docker/facility/.env");
        // both images build from the repository root, where the one .dockerignore is
        for (Path file : composeFiles()) {
            for (Map<String, Object> service : services(file).values()) {
                if (service.get("build") instanceof Map<?, ?> b) {
                    assertThat(file.getParent().resolve(String.valueOf(b.get("context"))).normalize())
                            .as("build context of %s", file).isEqualTo(ROOT);
                }
            }
        }
    }

    @Test
    void servicesStartOnlyOnceWhatTheyDependOnIsHealthy() throws IOException {
        for (Path file : composeFiles()) {
            Map<String, Map<String, Object>> services = services(file);
            services.forEach((name, service) -> {
                Map<String, Object> healthcheck = (Map<String, Object>) service.get("healthcheck");
                assertThat(healthcheck).as("%s: healthcheck of %s", file, name).isNotNull();
                assertThat(list(healthcheck.get("test"))).as("%s: healthcheck test of %s", file, name)
                        .hasSizeGreaterThan(1).first().isIn("CMD", "CMD-SHELL");
                Object dependsOn = service.get("depends_on");
                if (dependsOn != null) {
                    assertThat(dependsOn).as("%s: depends_on of %s has conditions", file, name)
                            .isInstanceOf(Map.class);
                    ((Map<String, Map<String, Object>>) dependsOn).forEach((dependency, condition) -> {
                        assertThat(services).as("%s: %s depends on a service", file, name).containsKey(dependency);
                        assertThat(condition).as("%s: %s waits for %s", file, name, dependency)
                                .containsEntry("condition", "service_healthy");
                    });
                }
            });
        }
        assertThat(services(ROOT.resolve("docker/compose.yml")).get("connect").get("depends_on"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("kafka", "warehouse");
    }

    @Test
    void kafkaKeepsItsDataOnTheMountedVolume() throws IOException {
        Map<String, Object> kafka = services(ROOT.resolve("docker/compose.yml")).get("kafka");
        Map<String, Object> env = (Map<String, Object>) kafka.get("environment");
        String logDirs = String.valueOf(env.get("KAFKA_LOG_DIRS"));
        List<String> mounts = list(kafka.get("volumes")).stream().map(v -> String.valueOf(v).split(":")[1]).toList();
        for (String dir : logDirs.split(",")) {
            assertThat(mounts).as("KAFKA_LOG_DIRS %s is on a mounted volume", dir)
                    .anyMatch(m -> dir.equals(m) || dir.startsWith(m + "/"));
        }
    }

    @Test
    void theWarehousePasswordHasOnePlaceAndTheReadmeSaysHowToCreateIt() throws IOException {
        Path compose = ROOT.resolve("docker/compose.yml");
        String text = Files.readString(compose);
        assertThat(text).doesNotContain("POSTGRES_PASSWORD:", "POSTGRES_PASSWORD_FILE", "change-me");
        Map<String, Map<String, Object>> services = services(compose);
        for (String name : List.of("connect", "warehouse")) {
            assertThat(list(services.get(name).get("env_file")).stream().map(String::valueOf).toList())
                    .as("env_file of %s", name)
                    .contains("./secrets/warehouse.env");
        }
        try (Stream<Path> samples = Files.list(ROOT.resolve("docker/secrets"))) {
            List<Path> withPassword = samples.filter(p -> p.toString().endsWith(".sample"))
                    .filter(p -> read(p).contains("WAREHOUSE_DB_PASS=")).toList();
            assertThat(withPassword).extracting(p -> p.getFileName().toString())
                    .containsExactly("warehouse.env.sample");
        }
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .contains("cp docker/secrets/warehouse.env.sample docker/secrets/warehouse.env");
    }

    @Test
    void theFacilityStepsBuildTheCentralImageFirst() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/facility-cdc.md"));
        int central = doc.indexOf("docker build -f docker/Dockerfile -t healthcare-connect:latest .");
        assertThat(central).as("the central image build step").isNotNegative();
        assertThat(central).isLessThan(doc.indexOf("docker compose up"));
        assertThat(Files.readString(ROOT.resolve("docker/facility/Dockerfile")))
                .contains("ARG BASE_IMAGE=healthcare-connect:latest");
    }

    /**
     * The image installs every plugin zip of packaging/ (the lean zips with their SBOMs and licences, not the HL7
     * validation pack unless asked), keeps the build, strimzi and final stages, never runs as root, and the README
     * says how to scan it.
     */
    @Test
    void theImageIsBuiltFromTheZipsRunsAsNonRootAndSaysHowToScanIt() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        assertThat(dockerfile).contains("AS build").contains("AS strimzi")
                .contains("for p in packaging/*/pom.xml")
                .contains("/src/packaging/*/target/healthcare-connect-*.zip")
                .contains("*validation-pack*) continue")
                .contains("COPY --from=build --chown=appuser /plugins/ /opt/kafka/plugins/");
        // The last USER of every stage that runs (strimzi and the final image) is not root.
        for (String stage : dockerfile.split("(?m)^FROM ")) {
            if (stage.startsWith("eclipse-temurin")) {
                continue; // the build stage never runs in production
            }
            if (stage.isBlank() || stage.startsWith("#")) {
                continue;
            }
            Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(stage);
            String last = null;
            while (user.find()) {
                last = user.group(1);
            }
            assertThat(last).as("last USER of stage %s", stage.lines().findFirst().orElse("")).isNotNull()
                    .doesNotStartWith("root").isNotEqualTo("0").doesNotStartWith("0:");
        }
        for (String module : List.of("hl7-source", "fhir-source", "smts", "hl7-validation-pack")) {
            assertThat(ROOT.resolve("packaging").resolve(module).resolve("pom.xml")).exists();
        }
        String readme = Files.readString(ROOT.resolve("README.md"));
        String docker = readme.substring(readme.indexOf("## Docker"), readme.indexOf("## Kubernetes"));
        assertThat(docker).contains("trivy image").contains("grype").contains("sbom.json").contains("non-root");
    }

    /** The same CONNECT_* variables become the same worker properties in the central and the facility image. */
    @Test
    void bothEntrypointsMapEnvironmentNamesTheSameWay() throws Exception {
        Map<String, String> env = new java.util.TreeMap<>(Map.of(
                "CONNECT_OFFSET_FLUSH_INTERVAL_MS", "1000",
                "CONNECT_CONNECTOR_CLIENT_CONFIG_OVERRIDE_POLICY", "All", "CONNECT_EXAMPLE__KEY_NAME", "x",
                "CONNECT_GROUP_ID", "clinicmaster-connect-12345",
                "CONNECT_CONFIG_STORAGE_TOPIC", "cfg-12345",
                "CONNECT_OFFSET_STORAGE_TOPIC", "off-12345",
                "CONNECT_STATUS_STORAGE_TOPIC", "st-12345",
                "CONNECT_SSL_KEYSTORE_LOCATION", "C:\\keys\\worker.p12",
                "CONNECT_CLIENT_ID", " leading blank"));
        Map<String, String> expected = new java.util.TreeMap<>(Map.of(
                "offset.flush.interval.ms", "1000",
                "connector.client.config.override.policy", "All", "example_key.name", "x",
                "group.id", "clinicmaster-connect-12345",
                "config.storage.topic", "cfg-12345",
                "offset.storage.topic", "off-12345",
                "status.storage.topic", "st-12345",
                "ssl.keystore.location", "C:\\\\keys\\\\worker.p12",
                "client.id", "\\ leading blank"));
        Map<String, String> facility = new java.util.HashMap<>(env);
        facility.putAll(Map.of("FACILITY_DHIS2_CODE", "12345", "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "KAFKA_USER", "u", "KAFKA_PASS", "p"));
        Map<String, String> central = printedWorkerConfig("sh", "docker/connect/entrypoint.sh", env);
        Map<String, String> kit = printedWorkerConfig("bash", "docker/facility/facility-entrypoint.sh", facility);
        assertThat(central).containsAllEntriesOf(expected);
        assertThat(kit).containsAllEntriesOf(expected);
        for (Path script : List.of(ROOT.resolve("docker/connect/entrypoint.sh"),
                ROOT.resolve("docker/facility/facility-entrypoint.sh"))) {
            assertThat(Files.readString(script)).as("%s uses the shared mapping", script)
                    .contains("env-to-properties.sh");
        }
        assertThat(Files.readString(ROOT.resolve("docker/Dockerfile"))).contains("docker/connect/env-to-properties.sh");
        assertThat(Files.readString(ROOT.resolve("docker/facility/Dockerfile")))
                .contains("docker/connect/env-to-properties.sh");
    }

    /** Runs {@code script --print-worker-config} with only {@code env} (and PATH); the raw key=value lines. */
    static Map<String, String> printedWorkerConfig(String shell, String script, Map<String, String> env)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(shell, ROOT.resolve(script).toString(), "--print-worker-config")
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        Map<String, String> props = new java.util.LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                props.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return props;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Pattern COPY = Pattern.compile("^COPY\\s+(?!--from)(.+)$", Pattern.MULTILINE);

    private static void checkDockerfile(Path dockerfile, Path context, List<String> problems) {
        try {
            Matcher m = COPY.matcher(Files.readString(dockerfile));
            while (m.find()) {
                String[] parts = m.group(1).trim().split("\\s+");
                for (int i = 0; i < parts.length - 1; i++) {
                    if (!parts[i].startsWith("--") && !parts[i].contains("*") && !parts[i].equals(".")) {
                        requireExists(context.resolve(parts[i]), dockerfile.getFileName() + " COPY " + parts[i],
                                problems);
                    }
                }
            }
        } catch (IOException e) {
            problems.add("cannot read " + dockerfile);
        }
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : value == null ? List.of() : List.of(value);
    }

    private static void requireExists(Path path, String what, List<String> problems) {
        if (!Files.exists(path)) {
            problems.add(what + ": " + path + " does not exist");
        }
    }

    private static void requireExistsOrSample(Path path, String what, List<String> problems) {
        if (!Files.exists(path) && !Files.exists(path.resolveSibling(path.getFileName() + ".sample"))) {
            problems.add(what + ": neither " + path + " nor its .sample exists");
        }
    }
}
