package com.healthcare.kafka.connect.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.harness.BuiltZips;

/**
 * Two builds of one commit give byte-identical zips. The zips under test come from this build; a second, separate
 * Maven build of the same sources (copied to a fresh folder, every module compiled and packaged again, against
 * the same local repository) must produce the very same bytes. The assembly's twin check (zip-check) only
 * assembles one build's jars twice; this also covers our own jars (class files, jar entry order and times), the
 * SBOM and the manifests being rebuilt. The second build is not offline: the CycloneDX plugin skips its SBOM in
 * offline mode (everything it needs is in the local repository already).
 */
class ReproducibleBuildIT {

    /** What a source copy leaves out: build output, VCS data, CI and IDE folders. */
    private static final Set<String> SKIPPED_DIRS = Set.of("target", ".git", ".ci-work", ".idea", "node_modules",
            ".mvn-cache");

    @Test
    void aSecondBuildOfTheSameSourcesGivesByteIdenticalZips() throws Exception {
        Path root = BuiltZips.projectRoot();
        Path copy = BuiltZips.workDir().resolve("reproducible-build");
        deleteRecursively(copy);
        copySources(root, copy);

        Path log = BuiltZips.workDir().resolve("reproducible-build.log");
        List<String> command = new ArrayList<>(List.of(copy.resolve("mvnw").toString(), "-B", "-ntp",
                "package", "-DskipTests", "-DskipITs", "-Denforcer.skip=true",
                "-pl", "packaging/hl7-source,packaging/fhir-source,packaging/fhir-sink,packaging/smts,"
                        + "packaging/hl7-validation-pack", "-am"));
        String repo = System.getProperty("healthcare.maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        ProcessBuilder build = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // the second build gets the test JVM's temp folder (under target/), never the machine's
        build.environment().put("MAVEN_OPTS", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        Process process = build.start();
        try {
            assertThat(process.waitFor(15, TimeUnit.MINUTES)).as("second build finished; log: %s", log).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as("second build succeeded; log: %s", log).isZero();

        Map<Path, Path> pairs = new LinkedHashMap<>();
        for (Path zip : BuiltZips.all()) {
            pairs.put(zip, rebuilt(copy, zip.getFileName().toString()));
        }
        Path pack = BuiltZips.hl7ValidationPack();
        pairs.put(pack, rebuilt(copy, pack.getFileName().toString()));
        assertThat(pairs).hasSize(5);
        for (Map.Entry<Path, Path> pair : pairs.entrySet()) {
            Path first = pair.getKey();
            Path second = pair.getValue();
            if (!sha256(first).equals(sha256(second))) {
                throw new AssertionError(first.getFileName() + " differs between two builds of one commit: "
                        + firstDifference(first, second));
            }
        }
    }

    private static Path rebuilt(Path copy, String fileName) throws IOException {
        try (var found = Files.find(copy.resolve("packaging"), 3,
                (p, attrs) -> attrs.isRegularFile() && p.getFileName().toString().equals(fileName)
                        && p.getParent().getFileName().toString().equals("target"))) {
            return found.findFirst().orElseThrow(() -> new AssertionError("the second build made no " + fileName));
        }
    }

    /** The first entry whose name, order or content differs, to say what is not reproducible. */
    private static String firstDifference(Path first, Path second) throws IOException {
        Map<String, String> a = entryDigests(first);
        Map<String, String> b = entryDigests(second);
        if (!List.copyOf(a.keySet()).equals(List.copyOf(b.keySet()))) {
            return "entry names or order differ: " + a.keySet() + " vs " + b.keySet();
        }
        for (String name : a.keySet()) {
            if (!a.get(name).equals(b.get(name))) {
                return "entry " + name + " differs";
            }
        }
        return "same entries and contents; the zip's own metadata (times, attributes) differs";
    }

    private static Map<String, String> entryDigests(Path zip) throws IOException {
        Map<String, String> digests = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                digests.put(e.getName(), sha256(in));
            }
        }
        return digests;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copySources(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && SKIPPED_DIRS.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
