package com.healthcare.kafka.connect.it.hl7;

import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.CONNECTOR_CLASS;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.connector;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.validationErrors;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * HL7 validation from the lean zip: it bundles hapi-base and only v2.5.1's message structures, so messages of
 * every version are validated (as v2.5.1) out of the box, as the seed configs ask; the optional validation pack,
 * copied into the plugin's lib/ as docs/hl7-source.md says, adds the other versions' own structures without a
 * class in common with the plugin.
 */
class Hl7ValidationPackIT {

    static String adt(String version, String controlId, String birthDate) {
        return "MSH|^~\\&|HIS|GENHOSP|K|HC|20240101||ADT^A01^ADT_A01|" + controlId + "|P|" + version + "\r"
                + "EVN||20240101\rPID|1||MRN-1^^^GENHOSP^MR||Doe^Jane||" + birthDate + "|F\r";
    }

    @Test
    void leanZipValidatesEveryVersionWithTheBundledStructures() throws Exception {
        try (ConnectWorker worker = ConnectWorker.start("hl7-lean")) {
            Path lib = worker.pluginPath().resolve("healthcare-connect-hl7-source-" + BuiltZips.version())
                    .resolve("lib");
            try (Stream<Path> jars = Files.list(lib)) {
                assertThat(jars.map(p -> p.getFileName().toString()).filter(j -> j.startsWith("hapi-structures-")))
                        .as("the lean zip's HAPI structures").containsExactly("hapi-structures-v251-2.6.0.jar");
            }
            exchange(worker, "lean");
        }
    }

    @Test
    void withThePackInstalledEachVersionHasItsOwnStructures() throws Exception {
        try (ConnectWorker worker = ConnectWorker.start("hl7-pack", 1, Map.of(), new Properties(), true)) {
            Path lib = worker.pluginPath().resolve("healthcare-connect-hl7-source-" + BuiltZips.version())
                    .resolve("lib");
            try (Stream<Path> jars = Files.list(lib)) {
                assertThat(jars.map(p -> p.getFileName().toString()).filter(j -> j.startsWith("hapi-structures-")))
                        .hasSize(9);
            }
            exchange(worker, "pack");
        }
    }

    /** Valid messages of old and new versions get AA, an impossible birth date AE (HAPI's DT/TS rule). */
    private static void exchange(ConnectWorker worker, String name) throws Exception {
        int port = ConnectWorker.freePort();
        Map<String, String> config = new HashMap<>(connector(port, name + ".",
                Map.of("hl7.validation.enabled", "true")));
        config.put("name", name);
        assertThat(validationErrors(worker.validate(CONNECTOR_CLASS, config))).isEmpty();
        worker.startConnector(name, config, 1);
        try (MllpSocketClient socket = MllpSocketClient.connect(port)) {
            int n = 0;
            for (String version : List.of("2.3", "2.5", "2.5.1", "2.8.1")) {
                assertThat(MllpSocketClient.ackCode(socket.exchange(adt(version, "V" + n++, "19800101"), 30_000)))
                        .as("valid v%s", version).isEqualTo("AA");
                assertThat(MllpSocketClient.ackCode(socket.exchange(adt(version, "V" + n++, "1980Jan01"), 30_000)))
                        .as("invalid v%s", version).isEqualTo("AE");
            }
        }
        assertThat(Hl7ItSupport.consume(worker, 4, name + ".ADT")).hasSize(4);
        worker.cluster().deleteConnector(name);
    }

    @Test
    void packAndPluginShareNoJarAndNoClass() throws IOException {
        Map<String, String> owners = new HashMap<>();
        for (Path zip : List.of(BuiltZips.named("hl7-source"), BuiltZips.hl7ValidationPack())) {
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                ZipEntry e;
                while ((e = in.getNextEntry()) != null) {
                    if (e.getName().contains("/lib/") && e.getName().endsWith(".jar")) {
                        String jar = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                        for (String cls : classes(in)) {
                            String other = owners.putIfAbsent(cls, jar);
                            assertThat(other).as("%s is in %s and %s", cls, other, jar).isNull();
                        }
                    }
                }
            }
        }
        assertThat(owners).containsKey("ca/uhn/hl7v2/DefaultHapiContext.class")
                .containsKey("com/healthcare/kafka/connect/hl7/Hl7SourceConnector.class");
    }

    private static List<String> classes(InputStream jarBytes) throws IOException {
        ZipInputStream jar = new ZipInputStream(jarBytes);
        List<String> names = new java.util.ArrayList<>();
        ZipEntry c;
        while ((c = jar.getNextEntry()) != null) {
            if (c.getName().endsWith(".class") && !c.getName().startsWith("META-INF/")
                    && !c.getName().endsWith("module-info.class")) {
                names.add(c.getName());
            }
        }
        return names;
    }
}
