package com.healthcare.kafka.connect.benchmarks.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Cold start of the sandbox (bin/sandbox: broker formatted and started, worker started, our plugins installed
 * and scanned, the sandbox connectors created and running) against plain Kafka and Connect started the same way
 * with {@code --no-plugins} as the baseline. Each start is a new JVM on a new, empty data directory, timed from
 * process start to the "sandbox is running" line; rounds alternate which goes first.
 *
 * <p>Usage (from the repository root, the sandbox built): {@code SandboxColdStart [rounds=5]}
 */
public final class SandboxColdStart {

    private static final String READY = "sandbox is running";

    private SandboxColdStart() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path work = Files.createTempDirectory("sandbox-cold-start");
        List<Double> ours = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                if (round % 2 == 0) {
                    baseline.add(start(work.resolve("base-" + round), true));
                    ours.add(start(work.resolve("ours-" + round), false));
                } else {
                    ours.add(start(work.resolve("ours-" + round), false));
                    baseline.add(start(work.resolve("base-" + round), true));
                }
                System.out.printf(Locale.ROOT, "round %d: baseline %.2f s, sandbox %.2f s%n", round + 1,
                        baseline.get(round), ours.get(round));
            }
        } finally {
            deleteRecursively(work);
        }
        double base = median(baseline);
        double sandbox = median(ours);
        System.out.printf(Locale.ROOT, "%nJava %s, %d cores; %d rounds, medians:%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), rounds);
        System.out.println("| start | cold start s | ratio |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| Kafka + Connect, no plugins (`bin/sandbox --no-plugins`) | %.2f | |%n", base);
        System.out.printf(Locale.ROOT, "| sandbox: plugins installed, connectors running (`bin/sandbox`) | %.2f | %.2fx |%n",
                sandbox, sandbox / base);
    }

    /** Seconds from launching a sandbox JVM on an empty data directory until it reports running. */
    private static double start(Path data, boolean noPlugins) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx2g", "-Dsandbox.log.dir=" + data.resolve("logs"), "-cp",
                "sandbox/target/sandbox.jar:sandbox/target/lib/*", "com.healthcare.kafka.connect.sandbox.Sandbox",
                "--data-dir", data.toString(), "--kafka-port", freePort(), "--controller-port", freePort(),
                "--rest-port", freePort(), "--mllp-port", freePort(), "--fhir-port", freePort(), "--jmx-port", "0"));
        if (noPlugins) {
            command.add("--no-plugins");
        }
        Files.createDirectories(data.resolve("logs"));
        long begin = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.contains(READY)) {
                    double seconds = (System.nanoTime() - begin) / 1e9;
                    process.destroy();
                    drain(out);
                    if (!process.waitFor(120, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                    return seconds;
                }
            }
            throw new IllegalStateException("the sandbox exited before it was running: exit code "
                    + process.waitFor());
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // Until the process closes its output on exit.
            }
        } catch (IOException e) {
            // The JDK closes the pipe once the process has exited: nothing more to read.
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        return sorted.get(sorted.size() / 2);
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
