package com.healthcare.kafka.connect.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The supported range (Kafka Connect 3.6+ on Java 17+) that the compat ITs and .ci/check-kafka-api back is what
 * the built zips declare: in each Confluent Hub manifest.json ("requirements") and in each of our jars'
 * META-INF/MANIFEST.MF.
 */
class SupportedRangeIT {

    static final List<String> OUR_JARS = List.of("connect-common-", "fhir-client-", "hl7-v2-", "hl7-source-connector-",
            "fhir-source-connector-", "fhir-sink-connector-", "healthcare-smts-");

    @Test
    void zipsDeclareTheSupportedRange() throws IOException {
        List<Path> zips = BuiltZips.all();
        assertThat(zips).hasSize(4);
        for (Path zip : zips) {
            List<String> checkedJars = new ArrayList<>();
            try (ZipFile file = new ZipFile(zip.toFile())) {
                ZipEntry manifestJson = file.stream().filter(e -> e.getName().endsWith("/manifest.json")).findFirst()
                        .orElseThrow(() -> new AssertionError("no manifest.json in " + zip));
                JsonNode manifest;
                try (InputStream in = file.getInputStream(manifestJson)) {
                    manifest = ConnectWorker.JSON.readTree(in);
                }
                assertThat(manifest.path("requirements").toString()).as("requirements of %s", zip.getFileName())
                        .contains("Apache Kafka Connect 3.6 or newer").contains("Java 17 or newer");

                for (ZipEntry entry : file.stream().toList()) {
                    String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                    if (!entry.getName().contains("/lib/") || OUR_JARS.stream().noneMatch(name::startsWith)) {
                        continue;
                    }
                    try (JarInputStream jar = new JarInputStream(file.getInputStream(entry))) {
                        Manifest mf = jar.getManifest();
                        assertThat(mf).as("MANIFEST.MF of %s", name).isNotNull();
                        assertThat(mf.getMainAttributes().getValue("Kafka-Connect-Requires")).as(name)
                                .isEqualTo("Apache Kafka Connect 3.6 or newer");
                        assertThat(mf.getMainAttributes().getValue("Java-Requires")).as(name)
                                .isEqualTo("17 or newer");
                        assertThat(mf.getMainAttributes().getValue("Implementation-Version")).as(name)
                                .isEqualTo(BuiltZips.version());
                    }
                    checkedJars.add(name);
                }
            }
            // the plugin's own jar and the shared libraries it bundles (connect-common, fhir-client, hl7-v2)
            assertThat(checkedJars).as("our jars in %s", zip.getFileName()).hasSizeGreaterThanOrEqualTo(2)
                    .anyMatch(n -> n.startsWith("connect-common-"));
        }
    }
}
