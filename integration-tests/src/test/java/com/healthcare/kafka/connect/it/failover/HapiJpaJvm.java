package com.healthcare.kafka.connect.it.failover;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/**
 * HAPI FHIR JPA in a child JVM ({@link HapiJpaMain}). HAPI JPA 8.8's Batch2 jobs (Bulk Data {@code $export})
 * call the slf4j 2 API, while the test JVM, like Kafka, runs slf4j 1.7 with log4j's 1.7 binding: the child gets the
 * test class path with those two jars swapped for slf4j-api 2 and log4j-slf4j2-impl (copied by the
 * {@code hapi-jpa-slf4j2} execution of this module's pom).
 */
final class HapiJpaJvm implements AutoCloseable {

    private static final Pattern SLF4J_API_1 = Pattern.compile("slf4j-api-1\\..*\\.jar");
    private static final Pattern LOG4J_SLF4J_1 = Pattern.compile("log4j-slf4j-impl-.*\\.jar");

    private final Process process;
    private final Path log;
    private final String baseUrl;

    private HapiJpaJvm(Process process, Path log, String baseUrl) {
        this.process = process;
        this.log = log;
        this.baseUrl = baseUrl;
    }

    static HapiJpaJvm start(Path workDir) throws IOException {
        Path lib = Path.of(System.getProperty("healthcare.hapi.slf4j2.lib", "target/hapi-jpa-slf4j2"));
        Path api2 = only(lib, "slf4j-api-2");
        Path binding2 = only(lib, "log4j-slf4j2-impl-");
        List<String> classPath = new ArrayList<>();
        boolean swappedApi = false;
        boolean swappedBinding = false;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (SLF4J_API_1.matcher(name).matches()) {
                classPath.add(api2.toString());
                swappedApi = true;
            } else if (LOG4J_SLF4J_1.matcher(name).matches()) {
                classPath.add(binding2.toString());
                swappedBinding = true;
            } else {
                classPath.add(entry);
            }
        }
        if (!swappedApi || !swappedBinding) {
            throw new IllegalStateException("the test class path has no slf4j-api 1.x or log4j-slf4j-impl jar to "
                    + "swap: " + System.getProperty("java.class.path"));
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("hapi-jpa.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xms256m", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", String.join(File.pathSeparator, classPath), HapiJpaMain.class.getName());
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        String[] base = new String[1];
        try {
            Awaitility.await("HAPI FHIR JPA child JVM ready (log " + log + ")").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("HAPI FHIR JPA JVM exited: see " + log);
                        }
                        base[0] = readyLine(log).orElse(null);
                        return base[0] != null;
                    });
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
        return new HapiJpaJvm(process, log, base[0]);
    }

    private static Optional<String> readyLine(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.startsWith(HapiJpaMain.READY)).findFirst()
                    .map(l -> l.substring(HapiJpaMain.READY.length()).trim());
        } catch (java.io.UncheckedIOException e) {
            return Optional.empty(); // a line half written
        }
    }

    private static Path only(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + "*.jar in " + dir
                            + " (the hapi-jpa-slf4j2 execution of the integration-tests pom copies it)"));
        }
    }

    /** E.g. {@code http://127.0.0.1:41234/fhir}. */
    String baseUrl() {
        return baseUrl;
    }

    int port() {
        return java.net.URI.create(baseUrl).getPort();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
