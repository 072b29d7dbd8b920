package com.healthcare.kafka.connect.it.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;

import com.healthcare.kafka.connect.it.harness.BuiltZips;

/** Runs the scripts of docker/facility/ as the container would, with exactly the environment given. */
final class KitProcess {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private KitProcess() {
    }

    static Path kitDir() {
        return BuiltZips.projectRoot().resolve("docker").resolve("facility");
    }

    static Result run(Map<String, String> env, String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(kitDir().resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish within 180 s; stderr: " + err.getNow(""));
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The {@code environment:} of compose.yml's connect service, interpolated the way Compose does it
     * ({@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR:?message}}, {@code $$}) from {@code dotEnv}.
     */
    static Map<String, String> composeEnvironment(Map<String, String> dotEnv) {
        try {
            Map<String, Object> compose = new Yaml().load(Files.readString(kitDir().resolve("compose.yml")));
            @SuppressWarnings("unchecked")
            Map<String, Object> services = (Map<String, Object>) compose.get("services");
            @SuppressWarnings("unchecked")
            Map<String, Object> connect = (Map<String, Object>) services.get("connect");
            @SuppressWarnings("unchecked")
            Map<String, Object> environment = (Map<String, Object>) connect.get("environment");
            Map<String, String> result = new HashMap<>();
            environment.forEach((key, value) -> result.put(key, interpolate(String.valueOf(value), dotEnv)));
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?}");

    static String interpolate(String text, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String value = env.get(m.group(1));
                if (value == null || value.isEmpty()) {
                    if ("?".equals(m.group(2))) {
                        throw new AssertionError("compose would stop: " + m.group(3));
                    }
                    value = "-".equals(m.group(2)) ? m.group(3) : "";
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    static Properties properties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
