package com.healthcare.kafka.connect.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a ready-to-POST connector config runnable on the test worker without changing what it says: files it
 * references under absolute paths (secrets read through {@code ${file:...}}, key stores) are created under a
 * temporary root and the paths rewritten to point there; {@code ${env:NAME}} references get a test value (the
 * worker JVM's environment cannot be set from a test). Key stores are real, generated with the JDK's keytool.
 */
public final class ConfigFixtures {

    public static final String SECRET = "changeit-test";
    private static final Pattern FILE_REF = Pattern.compile("\\$\\{file:([^:}]+):([^}]+)}");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([^}:]+)(?::[^}]*)?}");

    private ConfigFixtures() {
    }

    /** Returns a copy of {@code config} whose external references all resolve under {@code root}. */
    public static Map<String, String> materialize(Map<String, String> config, Path root) {
        try {
            Map<String, Set<String>> fileKeys = new TreeMap<>();
            for (String value : config.values()) {
                Matcher m = FILE_REF.matcher(value);
                while (m.find()) {
                    fileKeys.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
                }
            }
            for (Map.Entry<String, Set<String>> file : fileKeys.entrySet()) {
                Path target = relocate(root, file.getKey());
                Files.createDirectories(target.getParent());
                Properties props = new Properties();
                if (Files.exists(target)) {
                    try (var in = Files.newBufferedReader(target, StandardCharsets.UTF_8)) {
                        props.load(in);
                    }
                }
                for (String key : file.getValue()) {
                    props.putIfAbsent(key, valueFor(key));
                }
                try (var out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                    props.store(out, "test fixture");
                }
            }

            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : config.entrySet()) {
                String value = e.getValue();
                Matcher m = FILE_REF.matcher(value);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(sb, Matcher.quoteReplacement(
                            "${file:" + relocate(root, m.group(1)) + ":" + m.group(2) + "}"));
                }
                m.appendTail(sb);
                value = ENV_REF.matcher(sb.toString()).replaceAll(r -> Matcher.quoteReplacement(valueFor(r.group(1))));
                if (e.getKey().endsWith(".location") && value.startsWith("/")) {
                    value = relocate(root, value).toString();
                }
                result.put(e.getKey(), value);
            }
            createStores(result);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A test value for a referenced secret or variable: passwords get {@link #SECRET}. */
    public static String valueFor(String key) {
        String lower = key.toLowerCase();
        if (lower.contains("password") || lower.contains("pass")) {
            return SECRET;
        }
        if (lower.contains("port")) {
            return "1433";
        }
        return "test-" + key.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }

    private static Path relocate(Path root, String absolute) {
        return root.resolve(absolute.replaceFirst("^/+", "")).toAbsolutePath().normalize();
    }

    /** For every {@code <prefix>keystore.location}, a real key store (and trust store) at the relocated path. */
    private static void createStores(Map<String, String> config) throws IOException {
        for (Map.Entry<String, String> e : config.entrySet()) {
            if (!e.getKey().endsWith("keystore.location")) {
                continue;
            }
            String prefix = e.getKey().substring(0, e.getKey().length() - "keystore.location".length());
            String type = config.getOrDefault(prefix + "store.type", "PKCS12");
            Path keystore = Path.of(e.getValue());
            if (!Files.exists(keystore)) {
                Files.createDirectories(keystore.getParent());
                keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype", type, "-keystore", keystore.toString(),
                        "-storepass", SECRET, "-keypass", SECRET);
            }
            String truststore = config.get(prefix + "truststore.location");
            if (truststore != null && !Files.exists(Path.of(truststore))) {
                Path cert = keystore.resolveSibling(keystore.getFileName() + ".crt");
                keytool("-exportcert", "-alias", "server", "-keystore", keystore.toString(), "-storetype", type,
                        "-storepass", SECRET, "-rfc", "-file", cert.toString());
                keytool("-importcert", "-noprompt", "-alias", "ca", "-file", cert.toString(), "-storetype", type,
                        "-keystore", truststore, "-storepass", SECRET);
            }
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException(ie);
        }
    }
}
