package com.healthcare.kafka.connect.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The zips built by packaging/, copied by failsafe's pre-integration-test step, and how to unpack them. */
public final class BuiltZips {

    private BuiltZips() {
    }

    public static String version() {
        return required("healthcare.version");
    }

    public static Path projectRoot() {
        return Path.of(required("healthcare.project.root")).toAbsolutePath().normalize();
    }

    public static Path workDir() {
        return Path.of(required("healthcare.work.dir")).toAbsolutePath();
    }

    /** Every built component zip. */
    public static List<Path> all() {
        Path dir = Path.of(required("healthcare.zips.dir"));
        try (Stream<Path> files = Files.list(dir)) {
            // Only this build's zips: a stale zip of an older version would put two copies of a plugin on the path.
            String suffix = "-" + version() + ".zip";
            List<Path> zips = files.filter(p -> p.getFileName().toString().startsWith("healthcare-connect-")
                            && p.getFileName().toString().endsWith(suffix)).sorted()
                    .collect(Collectors.toList());
            if (zips.isEmpty()) {
                throw new IllegalStateException("No zips in " + dir + ": run through 'mvn verify' from the root");
            }
            return zips;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The zip named {@code healthcare-connect-<name>-<version>.zip}, e.g. name "hl7-source". */
    public static Path named(String name) {
        String expected = "healthcare-connect-" + name + "-" + version() + ".zip";
        return all().stream().filter(p -> p.getFileName().toString().equals(expected)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No " + expected + " among " + all()));
    }

    /** Unpacks every built zip into {@code pluginPath} (each keeps its own top folder) and returns it. */
    public static Path unpackAll(Path pluginPath) {
        for (Path zip : all()) {
            unpack(zip, pluginPath);
        }
        return pluginPath;
    }

    /** The HL7 v2 validation pack (HAPI jars for hl7.validation.enabled; not a plugin, not among {@link #all()}). */
    public static Path hl7ValidationPack() {
        Path pack = Path.of(required("healthcare.packs.dir"))
                .resolve("healthcare-connect-hl7-validation-pack-" + version() + ".zip");
        if (!Files.isRegularFile(pack)) {
            throw new IllegalStateException("No " + pack + ": run through 'mvn verify' from the root");
        }
        return pack;
    }

    /**
     * Installs the HL7 validation pack as docs/hl7-source.md tells users to: its lib/ jars into the unpacked HL7
     * source plugin's lib/ under {@code pluginPath}.
     */
    public static void installHl7ValidationPack(Path pluginPath) {
        try {
            Path unpacked = Files.createTempDirectory(workDir(), "hl7-pack");
            unpack(hl7ValidationPack(), unpacked);
            Path lib = pluginPath.resolve("healthcare-connect-hl7-source-" + version()).resolve("lib");
            Path packLib = unpacked.resolve("healthcare-connect-hl7-validation-pack-" + version()).resolve("lib");
            try (Stream<Path> jars = Files.list(packLib)) {
                for (Path jar : jars.toList()) {
                    Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void unpack(Path zip, Path target) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            Files.createDirectories(target);
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target.normalize())) {
                    throw new IOException("Zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    copy(in, out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + zip, e);
        }
    }

    private static void copy(InputStream in, Path out) throws IOException {
        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the ITs through "
                    + "Maven failsafe ('./mvnw verify')");
        }
        return value;
    }
}
