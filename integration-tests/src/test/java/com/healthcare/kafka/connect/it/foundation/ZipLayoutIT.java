package com.healthcare.kafka.connect.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/** Each zip is a Confluent Hub component archive with the layout the foundation issue asks for. */
class ZipLayoutIT {

    static final List<String> MANIFEST_FIELDS = List.of("name", "version", "title", "description", "owner",
            "support", "tags", "requirements", "features", "documentation_url", "source_url", "license",
            "component_types", "release_date");

    static final List<String> FORBIDDEN_JARS = List.of("kafka-clients-", "connect-api-", "connect-transforms-",
            "connect-json-", "connect-runtime-", "slf4j-api-");

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "hl7-source, hl7-source-connector, source, org.apache.kafka.connect.source.SourceConnector, "
                    + "com.healthcare.kafka.connect.hl7.Hl7SourceConnector, config/Hl7SourceConnector.md",
            "fhir-source, fhir-source-connector, source, org.apache.kafka.connect.source.SourceConnector, "
                    + "com.healthcare.kafka.connect.fhir.FhirSourceConnector, config/FhirSourceConnector.md",
            "smts, healthcare-smts, transform, org.apache.kafka.connect.transforms.Transformation, "
                    + "com.healthcare.kafka.connect.transforms.MaskPhi$Value, config/transforms/MaskPhi.md"})
    void zipHasTheComponentLayout(String name, String module, String componentType, String serviceInterface,
                                  String expectedService, String configDoc) throws IOException {
        Path zip = BuiltZips.named(name);
        String top = "healthcare-connect-" + name + "-" + BuiltZips.version() + "/";
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Set<String> roots = new TreeSet<>();
            List<String> entries = new ArrayList<>();
            file.stream().forEach(e -> {
                entries.add(e.getName());
                roots.add(e.getName().substring(0, e.getName().indexOf('/') + 1));
            });
            assertThat(roots).as("one top folder").containsExactly(top);
            assertThat(entries).contains(top + "manifest.json", top + "doc/README.md", top + "doc/LICENSE",
                    top + "doc/" + configDoc);
            assertThat(entries).anyMatch(e -> e.startsWith(top + "lib/") && e.endsWith(".jar"));
            assertThat(entries).anyMatch(e -> e.startsWith(top + "etc/") && e.endsWith(".json"));
            assertThat(entries).anyMatch(e -> e.startsWith(top + "assets/") && !e.endsWith("/"));

            List<String> jars = entries.stream().filter(e -> e.startsWith(top + "lib/") && e.endsWith(".jar"))
                    .map(e -> e.substring((top + "lib/").length())).toList();
            for (String forbidden : FORBIDDEN_JARS) {
                assertThat(jars).as("lib/ must not bundle %s*", forbidden).noneMatch(j -> j.startsWith(forbidden));
            }
            String pluginJar = module + "-" + BuiltZips.version() + ".jar";
            assertThat(jars).contains(pluginJar);

            JsonNode manifest = ConnectWorker.JSON.readTree(read(file, file.getEntry(top + "manifest.json")));
            for (String field : MANIFEST_FIELDS) {
                assertThat(manifest.has(field)).as("manifest.json field %s", field).isTrue();
            }
            assertThat(manifest.get("version").asText()).isEqualTo(BuiltZips.version());
            assertThat(manifest.get("release_date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(manifest.get("component_types").get(0).asText()).isEqualTo(componentType);

            List<String> services = services(file.getInputStream(file.getEntry(top + "lib/" + pluginJar)),
                    serviceInterface);
            assertThat(services).contains(expectedService)
                    .doesNotContain("com.healthcare.kafka.connect.transforms.MaskPhi");
        }
    }

    private static String read(ZipFile file, ZipEntry entry) throws IOException {
        try (InputStream in = file.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> services(InputStream jar, String serviceInterface) throws IOException {
        try (JarInputStream in = new JarInputStream(jar)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.getName().equals("META-INF/services/" + serviceInterface)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
                }
            }
        }
        return List.of();
    }
}
