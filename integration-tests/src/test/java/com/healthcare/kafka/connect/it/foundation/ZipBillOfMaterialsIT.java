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
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * Every zip (the plugins and the HL7 validation pack) says exactly what it ships: sbom.json (CycloneDX) lists
 * exactly the jars in lib/, doc/licenses/ has each jar's licence, NOTICE is at the top, and manifest.json's
 * release_date is the date of project.build.outputTimestamp (so a rebuild of one commit is byte-identical; the
 * packaging build's zip-check compares two assemblies byte for byte and checks every entry's time).
 */
class ZipBillOfMaterialsIT {

    static Stream<Path> zips() {
        List<Path> zips = new ArrayList<>(BuiltZips.all());
        zips.add(BuiltZips.hl7ValidationPack());
        return zips.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zips")
    void sbomLicencesAndNoticeDescribeExactlyLib(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            String name = zip.getFileName().toString();
            String top = name.substring(0, name.length() - ".zip".length()) + "/";
            Set<String> lib = new TreeSet<>();
            Set<String> entries = new TreeSet<>();
            file.stream().map(ZipEntry::getName).forEach(e -> {
                entries.add(e);
                if (e.startsWith(top + "lib/") && e.endsWith(".jar")) {
                    lib.add(e.substring((top + "lib/").length()));
                }
            });
            assertThat(lib).isNotEmpty();

            JsonNode sbom = ConnectWorker.JSON.readTree(read(file, top + "sbom.json"));
            assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
            assertThat(sbom.has("serialNumber")).as("no random serial number: reproducible").isFalse();
            Set<String> listed = new TreeSet<>();
            for (JsonNode c : sbom.path("components")) {
                String purl = c.path("purl").asText();
                assertThat(purl).startsWith("pkg:maven/");
                String classifier = purl.contains("classifier=") ? "-" + purl.replaceAll(".*classifier=([^&]+).*", "$1")
                        : "";
                listed.add(c.path("name").asText() + "-" + c.path("version").asText() + classifier + ".jar");
                assertThat(c.has("hashes")).as("%s has hashes", purl).isTrue();
            }
            assertThat(listed).as("sbom.json components").isEqualTo(lib);

            String licences = read(file, top + "doc/licenses/LICENSES.md");
            for (String jar : lib) {
                assertThat(licences).as("LICENSES.md row of %s", jar).contains("| " + jar + " |");
                String folder = top + "doc/licenses/" + jar.substring(0, jar.length() - 4) + "/";
                assertThat(entries).as("licence files of %s", jar)
                        .anyMatch(e -> e.startsWith(folder) && !e.endsWith("/"));
            }
            assertThat(read(file, top + "NOTICE")).contains("Healthcare Kafka Connect").contains("Apache License");

            ZipEntry manifest = file.getEntry(top + "manifest.json");
            if (manifest != null) {
                String date = System.getProperty("healthcare.output.timestamp").substring(0, 10);
                assertThat(ConnectWorker.JSON.readTree(read(file, top + "manifest.json")).path("release_date")
                        .asText()).isEqualTo(date);
            } else {
                assertThat(name).as("only the pack has no manifest").contains("validation-pack");
            }
        }
    }

    private static String read(ZipFile file, String entry) throws IOException {
        ZipEntry e = file.getEntry(entry);
        assertThat(e).as(entry).isNotNull();
        try (InputStream in = file.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
