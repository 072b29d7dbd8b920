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
