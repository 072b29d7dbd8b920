package com.healthcare.kafka.connect.benchmarks.hl7;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * Memory per idle MLLP connection: the HL7 source's listener against HAPI's {@code SimpleServer} (a thread per
 * connection) as the baseline, in the same JVM and run. A child JVM ({@link IdleClients}) opens N connections
 * that send nothing; once the server reports all N open, the live heap (after full GCs), the thread count and
 * the process RSS are compared with the same figures before, divided by N. Repeated {@code rounds} times per
 * server; the median is reported.
 *
 * <p>Usage: {@code IdleConnectionMemory [connections=1000] [rounds=3]}
 */
public final class IdleConnectionMemory {

    /** Connections opened at a time: well below the default listen backlog of 50. */
    private static final int BATCH = 20;
    private static final long AWAIT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private IdleConnectionMemory() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;

        int connectorPort = MllpLoadDriver.freePort();
        int baselinePort = MllpLoadDriver.freePort();
        EmbeddedConnectCluster cluster = MllpLoadDriver.startConnector(connectorPort, Map.of(
                "hl7.max.connections", Integer.toString(connections + 10),
                "hl7.idle.timeout.ms", Long.toString(TimeUnit.HOURS.toMillis(1))));
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName task = new ObjectName(
                "com.healthcare.kafka.connect.hl7:type=hl7-source-task,connector=\"bench\",task=0");
        LongSupplier connectorOpen = () -> {
            try {
                return ((Number) mbeans.getAttribute(task, "OpenConnections")).longValue();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        try {
            System.out.printf(Locale.ROOT, "%nJava %s, %d cores, max heap %d MiB; %d idle connections, %d rounds%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20, connections, rounds);
            List<Footprint> ours = new ArrayList<>();
            List<Footprint> theirs = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                // Alternate the order so drift in the background (broker, worker) does not favour one side.
                if (round % 2 == 0) {
                    theirs.add(measureBaseline(baselinePort, connections));
                    ours.add(measure(connectorPort, connections, connectorOpen));
                } else {
                    ours.add(measure(connectorPort, connections, connectorOpen));
                    theirs.add(measureBaseline(baselinePort, connections));
                }
            }
            Footprint base = Footprint.median(theirs);
            Footprint conn = Footprint.median(ours);
            System.out.println("| server | heap KiB/connection | threads/connection | RSS KiB/connection |");
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| HAPI SimpleServer (thread per connection) | %.1f | %.2f | %.1f |%n",
                    base.heapPerConnection / 1024, base.threadsPerConnection, base.rssPerConnection / 1024);
            System.out.printf(Locale.ROOT, "| HL7 source listener (one selector thread) | %.1f | %.2f | %.1f |%n",
                    conn.heapPerConnection / 1024, conn.threadsPerConnection, conn.rssPerConnection / 1024);
            System.out.printf(Locale.ROOT, "Ratio connector/baseline: heap %.3fx, RSS %.3fx%n",
                    conn.heapPerConnection / base.heapPerConnection, conn.rssPerConnection / base.rssPerConnection);
        } finally {
            cluster.stop();
        }
    }

    /**
     * The baseline on a fresh HAPI context each round: its connection threads come from the context's pool,
     * and threads a previous round left idle in that pool would hide this round's cost.
     */
    private static Footprint measureBaseline(int port, int connections) throws Exception {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        HapiContext hapi = new DefaultHapiContext(ValidationContextFactory.noValidation());
        hapi.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        HL7Service baseline = hapi.newServer(port, false);
        baseline.startAndWait();
        try {
            return measure(port, connections, () -> baseline.getRemoteConnections().size());
        } finally {
            baseline.stopAndWait();
            hapi.close();
            // Let its threads end before anything else is measured.
            long deadline = System.nanoTime() + AWAIT_NANOS;
            while (ManagementFactory.getThreadMXBean().getThreadCount() > threadsBefore + 5
                    && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /** Per-connection costs of one round. */
    private static final class Footprint {
        double heapPerConnection;
        double threadsPerConnection;
        double rssPerConnection;

        static Footprint median(List<Footprint> all) {
            Footprint median = new Footprint();
            median.heapPerConnection = median(all.stream().mapToDouble(f -> f.heapPerConnection).toArray());
            median.threadsPerConnection = median(all.stream().mapToDouble(f -> f.threadsPerConnection).toArray());
            median.rssPerConnection = median(all.stream().mapToDouble(f -> f.rssPerConnection).toArray());
            return median;
        }

        private static double median(double[] values) {
            Arrays.sort(values);
            return values[values.length / 2];
        }
    }

    private static Footprint measure(int port, int connections, LongSupplier openConnections) throws Exception {
        awaitOpen(openConnections, 0);
        long heapBefore = liveHeap();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long rssBefore = rss();
        Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(),
                Integer.toString(port)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(),
                    StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(clients.getOutputStream(), StandardCharsets.UTF_8);
            for (int open = 0; open < connections; ) {
                int batch = Math.min(BATCH, connections - open);
                in.write(batch + "\n");
                in.flush();
                open += batch;
                String line = out.readLine();
                if (line == null || !line.equals("connected " + open)) {
                    throw new IllegalStateException("idle clients failed: " + line);
                }
                awaitOpen(openConnections, open);
            }
            Footprint footprint = new Footprint();
            footprint.heapPerConnection = (double) (liveHeap() - heapBefore) / connections;
            footprint.threadsPerConnection =
                    (double) (ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore) / connections;
            footprint.rssPerConnection = (double) (rss() - rssBefore) / connections;
            return footprint;
        } finally {
            clients.getOutputStream().close();
            if (!clients.waitFor(60, TimeUnit.SECONDS)) {
                clients.destroyForcibly();
            }
        }
    }

    private static void awaitOpen(LongSupplier openConnections, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + AWAIT_NANOS;
        while (openConnections.getAsLong() != expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("server holds " + openConnections.getAsLong() + " connections, "
                        + "expected " + expected);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Heap in use after full collections: the live set. */
    private static long liveHeap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Resident set size of this process, bytes (thread stacks and direct buffers included). */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
