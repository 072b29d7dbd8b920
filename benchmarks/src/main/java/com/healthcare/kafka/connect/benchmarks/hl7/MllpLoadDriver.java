package com.healthcare.kafka.connect.benchmarks.hl7;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * Load driver for the HL7 MLLP source: N concurrent MLLP connections, each sending ADT^A01 and waiting for the
 * ACK (as MLLP senders do), against (a) the connector with at_least_once on a real embedded broker and worker,
 * where the ACK follows the Kafka commit, and (b) HAPI's SimpleServer acknowledging on receipt, no Kafka, as the
 * baseline, in the same JVM and run. Reports messages/s and ACK latency p50/p99, then the latency at half the
 * connector's maximum rate (open loop, latency from the scheduled send time, so queueing is not hidden).
 *
 * <p>Usage: {@code MllpLoadDriver [connections=1,8,32] [warmupSeconds=5] [seconds=15] [pacedRateOnly]}
 */
public final class MllpLoadDriver {

    private static final String TEMPLATE = "MSH|^~\\&|HIS|GENHOSP|KAFKA|HC|20240315083000||ADT^A01^ADT_A01|%s|P|2.5\r"
            + "EVN|A01|20240315083000\r"
            + "PID|1||%s^^^GENHOSP^MR~99-88-77^^^SSA^SS||Doe^John^Q^Jr^^^L||19800229|M|||12 Main St^^Springfield^IL"
            + "^62701^USA||(555)555-0100|||M|CHR|ACCT-1|123-45-6789\r"
            + "NK1|1|Doe^Jane|SPO^Spouse|12 Main St^^Springfield^IL^62701|(555)555-0101\r"
            + "PV1|1|I|ICU^12^A^GENHOSP||||1234^Welby^Marcus^^^Dr|||MED||||7|||1234^Welby^Marcus^^^Dr|IN|V100|||||||"
            + "||||||||||||||||||20240315080000\r"
            + "AL1|1|DA|PCN^Penicillin|SV|Hives\r"
            + "DG1|1||I21.9^Acute myocardial infarction^I10|||A\r";

    private MllpLoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        int[] connections = Arrays.stream((args.length > 0 ? args[0] : "1,8,32").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        // Optional: only the paced run, at this rate (msgs/s), e.g. to study latency at a given load.
        double pacedOnly = args.length > 3 ? Double.parseDouble(args[3]) : 0;

        int connectorPort = freePort();
        int baselinePort = freePort();
        EmbeddedConnectCluster cluster = startConnector(connectorPort);
        HapiContext hapi = new DefaultHapiContext(ValidationContextFactory.noValidation());
        hapi.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        HL7Service baseline = hapi.newServer(baselinePort, false);
        baseline.registerApplication("*", "*", new AckOnReceipt());
        baseline.startAndWait();
        try {
            System.out.printf(Locale.ROOT, "%nJava %s, %d cores; warm-up %d s, measured %d s per run%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), warmup, seconds);
            System.out.println("| connections | server | msgs/s | ACK p50 ms | ACK p99 ms | ratio |");
            System.out.println("|---|---|---|---|---|---|");
            double maxConnector = pacedOnly * 2;
            double maxBaseline = 0;
            int largest = connections[connections.length - 1];
            long acked = 0;
            for (int n : pacedOnly > 0 ? new int[0] : connections) {
                Result base = closedLoop(baselinePort, n, warmup, seconds);
                Result ours = closedLoop(connectorPort, n, warmup, seconds);
                acked += ours.warmupAcked + ours.count;
                System.out.printf(Locale.ROOT, "| %d | HAPI SimpleServer (ACK on receipt, no Kafka) | %.0f | %.2f | %.2f | |%n",
                        n, base.rate, base.p50, base.p99);
                System.out.printf(Locale.ROOT, "| %d | HL7 source at_least_once (ACK after Kafka commit) | %.0f | %.2f | %.2f "
                        + "| %.2fx |%n", n, ours.rate, ours.p50, ours.p99, ours.rate / base.rate);
                if (n == largest) {
                    maxConnector = ours.rate;
                    maxBaseline = base.rate;
                }
            }
            if (maxBaseline > 0) {
                // The same measurement on the baseline: how much of the tail is the machine (GC, other load).
                Result basePaced = openLoop(baselinePort, largest, maxBaseline / 2, warmup, seconds);
                System.out.printf(Locale.ROOT, "%nBaseline at half its maximum (%.0f msgs/s offered over %d "
                        + "connections): %.0f msgs/s, ACK p50 %.2f ms, p99 %.2f ms, max %.2f ms", maxBaseline / 2,
                        largest, basePaced.rate, basePaced.p50, basePaced.p99, basePaced.max);
            }
            double half = maxConnector / 2;
            Result paced = openLoop(connectorPort, largest, half, warmup, seconds);
            acked += paced.warmupAcked + paced.count;
            System.out.printf(Locale.ROOT, "%nConnector at half its maximum (%.0f msgs/s offered over %d connections): "
                    + "%.0f msgs/s, ACK p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", half, largest, paced.rate,
                    paced.p50, paced.p99, paced.max);
            long stored = cluster.kafka().endOffset(new TopicPartition("bench.ADT", 0));
            System.out.printf(Locale.ROOT, "Kafka holds %d records in bench.ADT for %d messages acknowledged AA%n",
                    stored, acked);
            if (stored < acked) {
                throw new IllegalStateException("fewer records than acknowledgements: " + stored + " < " + acked);
            }
        } finally {
            baseline.stopAndWait();
            hapi.close();
            cluster.stop();
        }
    }

    private static EmbeddedConnectCluster startConnector(int port) throws InterruptedException {
        return startConnector(port, Map.of());
    }

    /** The HL7 source on an embedded broker and worker, as benchmarked; {@code extra} adds connector settings. */
    static EmbeddedConnectCluster startConnector(int port, Map<String, String> extra) throws InterruptedException {
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.discovery", "service_load");
        worker.put("offset.flush.interval.ms", System.getProperty("hl7.bench.offsetFlushMs", "10000"));
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter.schemas.enable", "false");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder().name("hl7-bench").numWorkers(1)
                .numBrokers(1).workerProps(worker).build();
        cluster.start();
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.hl7.Hl7SourceConnector");
        config.put("tasks.max", "1");
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("processing.guarantee", "at_least_once");
        config.put("topic.prefix", "bench.");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        // The recommended low-latency setting (docs/hl7-source.md): send as soon as the previous request returns.
        config.put("producer.override.linger.ms", "0");
        config.putAll(extra);
        cluster.configureConnector("bench", config);
        cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning("bench", 1, "bench connector not running");
        return cluster;
    }

    /** HAPI's standard ACK (AA) for every message, on receipt. */
    private static final class AckOnReceipt implements ReceivingApplication<Message> {
        @Override
        public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
            try {
                return message.generateACK();
            } catch (IOException e) {
                throw new HL7Exception(e);
            }
        }

        @Override
        public boolean canProcess(Message message) {
            return true;
        }
    }

    /** Result of one run. */
    private static final class Result {
        double rate;
        double p50;
        double p99;
        double max;
        long count;
        long warmupAcked;
    }

    /** N connections, each sending the next message as soon as the previous ACK arrives. */
    private static Result closedLoop(int port, int connections, int warmup, int seconds)
            throws Exception {
        return run(port, connections, warmup, seconds, 0);
    }

    /** N connections sending on a fixed schedule adding up to {@code rate} msgs/s. */
    private static Result openLoop(int port, int connections, double rate, int warmup, int seconds) throws Exception {
        return run(port, connections, warmup, seconds, rate);
    }

    /** With -Dhl7.bench.timeline=true, the worst latency per 100 ms slot of a paced run (to see stalls). */
    private static final boolean TIMELINE = Boolean.getBoolean("hl7.bench.timeline");

    private static Result run(int port, int connections, int warmup, int seconds, double rate) throws Exception {
        java.util.concurrent.ConcurrentSkipListMap<Long, java.util.concurrent.atomic.LongAccumulator> timeline =
                new java.util.concurrent.ConcurrentSkipListMap<>();
        long origin = System.nanoTime();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong warmupAcked = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch connected = new CountDownLatch(connections);
        String runId = Long.toString(System.nanoTime() % 78_364_164_096L, 36);
        for (int c = 0; c < connections; c++) {
            long[] samples = new long[400_000];
            int[] count = new int[1];
            latencies.add(samples);
            counts.add(count);
            int connection = c;
            Thread thread = new Thread(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(60_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                    connected.countDown();
                    connected.await();
                    long intervalNanos = rate > 0 ? (long) (1e9 * connections / rate) : 0;
                    // One frame per connection, its 20-character control id rewritten in place per message, so
                    // the driver itself allocates little (it shares the CPU with both servers).
                    String idPrefix = String.format(Locale.ROOT, "%7s%03d", runId, connection).replace(' ', '0');
                    byte[] message = frame(String.format(TEMPLATE, idPrefix + "0000000000", "MRN" + connection));
                    int idAt = indexOf(message, (idPrefix + "0000000000").getBytes(StandardCharsets.US_ASCII));
                    long next = System.nanoTime() + (rate > 0 ? (long) (Math.random() * intervalNanos) : 0);
                    for (long i = 0; !stop.get(); i++) {
                        long start;
                        if (rate > 0) {
                            long now = System.nanoTime();
                            if (next > now) {
                                TimeUnit.NANOSECONDS.sleep(next - now);
                            }
                            // Latency counts from the scheduled time: a late send is waiting time too.
                            start = next;
                            next += intervalNanos;
                        } else {
                            start = System.nanoTime();
                        }
                        String counter = Long.toString(i);
                        for (int d = 0; d < 10; d++) {
                            int from = counter.length() - 10 + d;
                            message[idAt + 10 + d] = (byte) (from < 0 ? '0' : counter.charAt(from));
                        }
                        String controlId = new String(message, idAt, 20, StandardCharsets.US_ASCII);
                        out.write(message);
                        out.flush();
                        String ack = readFrame(in);
                        long latency = System.nanoTime() - start;
                        if (ack == null || !ack.contains("MSA|AA|" + controlId)) {
                            errors.incrementAndGet();
                            if (ack == null) {
                                return;
                            }
                            continue;
                        }
                        if (TIMELINE && rate > 0) {
                            timeline.computeIfAbsent((start - origin) / 100_000_000L,
                                    k -> new java.util.concurrent.atomic.LongAccumulator(Math::max, 0))
                                    .accumulate(latency);
                        }
                        if (measuring.get()) {
                            if (count[0] < samples.length) {
                                samples[count[0]] = latency;
                            }
                            count[0]++;
                        } else {
                            warmupAcked.incrementAndGet();
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    errors.incrementAndGet();
                }
            }, "load-" + c);
            threads.add(thread);
            thread.start();
        }
        connected.await(30, TimeUnit.SECONDS);
        TimeUnit.SECONDS.sleep(warmup);
        measuring.set(true);
        long begin = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        measuring.set(false);
        long elapsed = System.nanoTime() - begin;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(70_000);
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " messages were not acknowledged AA");
        }
        long total = 0;
        for (int[] count : counts) {
            total += count[0];
        }
        long[] all = new long[(int) Math.min(total, Integer.MAX_VALUE - 8)];
        int at = 0;
        for (int i = 0; i < latencies.size(); i++) {
            int n = Math.min(counts.get(i)[0], latencies.get(i).length);
            System.arraycopy(latencies.get(i), 0, all, at, n);
            at += n;
        }
        if (TIMELINE && rate > 0) {
            timeline.forEach((slot, max) -> {
                if (max.get() > 20_000_000L) {
                    System.out.printf(Locale.ROOT, "  t=%.1fs worst %.1f ms%n", slot / 10.0, max.get() / 1e6);
                }
            });
        }
        long[] sorted = Arrays.copyOf(all, at);
        Arrays.sort(sorted);
        Result result = new Result();
        result.count = total;
        result.warmupAcked = warmupAcked.get();
        result.rate = total / (elapsed / 1e9);
        result.p50 = percentile(sorted, 0.50);
        result.p99 = percentile(sorted, 0.99);
        result.max = sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
        return result;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[index] / 1e6;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("control id placeholder not found");
    }

    private static byte[] frame(String message) {
        byte[] body = message.getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[body.length + 3];
        framed[0] = 0x0B;
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = 0x1C;
        framed[body.length + 2] = 0x0D;
        return framed;
    }

    private static String readFrame(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder(256);
        int b;
        while ((b = in.read()) >= 0 && b != 0x0B) {
            // Skip to the start byte.
        }
        if (b < 0) {
            return null;
        }
        while ((b = in.read()) >= 0) {
            if (b == 0x1C) {
                in.read();
                return out.toString();
            }
            out.append((char) b);
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
