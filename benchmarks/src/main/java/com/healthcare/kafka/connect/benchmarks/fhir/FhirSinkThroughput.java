package com.healthcare.kafka.connect.benchmarks.fhir;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;

import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;

/**
 * Load driver: resources per second landed on a real HAPI FHIR JPA server (H2, in this JVM) by the FHIR sink, in
 * one run with its baselines on the same server.
 *
 * <ol>
 * <li>Bundles: the sink writing transaction Bundles (a Patient and two Observations each, PUT by id) from a topic
 * against a bare HAPI generic client posting the same Bundles from {@code concurrency} threads; the sink has
 * {@code fhir.sink.max.in.flight=concurrency}, one key per Bundle.</li>
 * <li>Grouping: single Patients written one request per record ({@code fhir.sink.batch.mode=none}) against the
 * same grouped into transactions of 50 ({@code transaction}), same in-flight limit.</li>
 * <li>The server's own ceiling for that grouping, without the sink: the bare client PUTting the same kind of
 * Patients one request each, and in transactions of the same size, from {@code concurrency} threads. The sink's
 * grouping gain can only be what the server gives.</li>
 * </ol>
 * Each round writes new ids (creates, never updates), rounds alternate the order of the pair, medians compared. The
 * sink's time runs from creating the connector until its RecordsWritten metric counts every record (the records
 * are in Kafka beforehand); the client's from its first request to its last answer.
 *
 * <p>Usage: {@code FhirSinkThroughput [bundles=1000] [resources=3000] [rounds=3] [concurrency=4] [batch size=50]
 * [one-way latency ms=0]}: with a latency, the server sits behind {@link LatencyProxy}, as across a network;
 * the sink's rates are given from the connector's creation and in steady state (after its first put()).
 */
public final class FhirSinkThroughput {

    private FhirSinkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int bundles = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int singles = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int batchSize = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        int latencyMs = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        try (JpaFhirServer server = JpaFhirServer.start();
             LatencyProxy proxy = latencyMs > 0 ? new LatencyProxy(server.port(), latencyMs) : null) {
            EmbeddedConnectCluster connect = FhirSourceThroughput.startWorker();
            try {
                FhirContext ctx = FhirContext.forR4();
                ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
                ctx.getRestfulClientFactory().setSocketTimeout(120_000);
                ctx.getRestfulClientFactory().setPoolMaxPerRoute(concurrency * 2);
                // with a latency: every request of the sink and of the bare client crosses the delaying proxy
                String base = proxy == null ? server.baseUrl()
                        : server.baseUrl().replace(":" + server.port() + "/", ":" + proxy.port() + "/");
                System.out.printf(Locale.ROOT, "FHIR server at %s (one-way latency %d ms)%n", base, latencyMs);
                // warm-up: JIT, HAPI's model scanning, the JPA server's caches
                bareClient(ctx, base, bundleJsons("w0", bundles / 4), concurrency);
                viaSink(connect, base, "w1", bundleJsons("w1", bundles / 4), concurrency, "none", batchSize);
                viaSink(connect, base, "w2", patientJsons("w2", singles / 4), concurrency, "transaction", batchSize);

                List<Double> client = new ArrayList<>();
                List<Rate> sink = new ArrayList<>();
                List<Rate> perRecord = new ArrayList<>();
                List<Rate> grouped = new ArrayList<>();
                List<Double> bareSingle = new ArrayList<>();
                List<Double> bareGrouped = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    double[] ceiling = bareSinglesAndGroups(ctx, base, "e" + r, singles, batchSize, concurrency);
                    bareSingle.add(ceiling[0]);
                    bareGrouped.add(ceiling[1]);
                    String a = "a" + r;
                    String b = "b" + r;
                    String c = "c" + r;
                    String d = "d" + r;
                    if (r % 2 == 0) {
                        client.add(bareClient(ctx, base, bundleJsons(a, bundles), concurrency) * 3);
                        sink.add(viaSink(connect, base, b, bundleJsons(b, bundles), concurrency, "none", batchSize)
                                .times(3));
                        perRecord.add(viaSink(connect, base, c, patientJsons(c, singles), concurrency, "none",
                                batchSize));
                        grouped.add(viaSink(connect, base, d, patientJsons(d, singles), concurrency, "transaction",
                                batchSize));
                    } else {
                        sink.add(viaSink(connect, base, b, bundleJsons(b, bundles), concurrency, "none", batchSize)
                                .times(3));
                        client.add(bareClient(ctx, base, bundleJsons(a, bundles), concurrency) * 3);
                        grouped.add(viaSink(connect, base, d, patientJsons(d, singles), concurrency, "transaction",
                                batchSize));
                        perRecord.add(viaSink(connect, base, c, patientJsons(c, singles), concurrency, "none",
                                batchSize));
                    }
                    System.out.printf(Locale.ROOT, "round %d: bundles: bare HAPI client %.0f resources/s, sink %.0f "
                            + "resources/s; singles: one request per record %.0f/s (steady %.0f/s), grouped "
                            + "transactions %.0f/s (steady %.0f/s)%n", r + 1, client.get(r), sink.get(r).withStart(),
                            perRecord.get(r).withStart(), perRecord.get(r).steady(), grouped.get(r).withStart(),
                            grouped.get(r).steady());
                    System.out.printf(Locale.ROOT, "round %d: server ceiling (bare client): single PUTs %.0f/s, "
                            + "transactions of %d %.0f/s%n", r + 1, bareSingle.get(r), batchSize, bareGrouped.get(r));
                }
                double cl = FhirSourceThroughput.median(client);
                double sk = FhirSourceThroughput.median(sink.stream().map(Rate::withStart).toList());
                double pr = FhirSourceThroughput.median(perRecord.stream().map(Rate::withStart).toList());
                double gr = FhirSourceThroughput.median(grouped.stream().map(Rate::withStart).toList());
                double prSteady = FhirSourceThroughput.median(perRecord.stream().map(Rate::steady).toList());
                double grSteady = FhirSourceThroughput.median(grouped.stream().map(Rate::steady).toList());
                System.out.printf(Locale.ROOT, "RESULT latency=%d ms one way | bundles=%d (3 resources each) "
                        + "singles=%d rounds=%d concurrency=%d | bare HAPI client=%.0f/s sink=%.0f/s ratio=%.2f | "
                        + "one request per record=%.0f/s grouped transactions of %d=%.0f/s ratio=%.2f | steady "
                        + "state: one request per record=%.0f/s grouped=%.0f/s ratio=%.2f%n", latencyMs, bundles,
                        singles, rounds, concurrency, cl, sk,
                        sk / cl, pr, batchSize, gr, gr / pr, prSteady, grSteady, grSteady / prSteady);
                double bs = FhirSourceThroughput.median(bareSingle);
                double bg = FhirSourceThroughput.median(bareGrouped);
                System.out.printf(Locale.ROOT, "RESULT server ceiling without the sink (bare HAPI client, same "
                        + "Patients): single PUTs=%.0f/s transactions of %d=%.0f/s ratio=%.2f%n", bs, batchSize, bg,
                        bg / bs);
            } finally {
                connect.stop();
            }
        }
        System.exit(0);
    }

    static List<String> bundleJsons(String run, int n) {
        return build(n, i -> {
            String p = run + "-p" + i;
            return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                    + entry("Patient", p, "{\"resourceType\":\"Patient\",\"id\":\"" + p + "\",\"identifier\":[{"
                            + "\"system\":\"urn:bench:mrn\",\"value\":\"" + p + "\"}],\"name\":[{\"family\":\"Bench\","
                            + "\"given\":[\"N" + i + "\"]}],\"gender\":\"female\",\"birthDate\":\"1962-07-18\"}")
                    + "," + entry("Observation", p + "-hr", observation(p + "-hr", p, "8867-4", "Heart rate", 72))
                    + "," + entry("Observation", p + "-bw", observation(p + "-bw", p, "29463-7", "Body weight", 72.5))
                    + "]}";
        });
    }

    static List<String> patientJsons(String run, int n) {
        return build(n, i -> "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-s" + i + "\",\"identifier\":[{"
                + "\"system\":\"urn:bench:mrn\",\"value\":\"" + run + "-s" + i + "\"}],\"name\":[{\"family\":"
                + "\"Single\",\"given\":[\"N" + i + "\"]}],\"gender\":\"male\",\"birthDate\":\"1980-01-01\"}");
    }

    private static List<String> build(int n, IntFunction<String> f) {
        List<String> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(f.apply(i));
        }
        return result;
    }

    private static String entry(String type, String id, String resource) {
        return "{\"fullUrl\":\"" + type + "/" + id + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"PUT\","
                + "\"url\":\"" + type + "/" + id + "\"}}";
    }

    private static String observation(String id, String patient, String loinc, String text, double value) {
        return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\",\"code\":{\"coding\":[{"
                + "\"system\":\"http://loinc.org\",\"code\":\"" + loinc + "\"}],\"text\":\"" + text + "\"},"
                + "\"subject\":{\"reference\":\"Patient/" + patient + "\"},\"valueQuantity\":{\"value\":" + value
                + "}}";
    }

    /** Posts every Bundle with HAPI's generic client from {@code concurrency} threads; records (Bundles) per second. */
    static double bareClient(FhirContext ctx, String base, List<String> bundles, int concurrency) throws Exception {
        return bareRequests(ctx, base, bundles, concurrency, "Bundles",
                (client, bundle) -> client.transaction().withBundle(bundle).execute());
    }

    /**
     * The server's own ceiling for grouping, without the sink: the same single Patients PUT one request each, and
     * grouped into transactions of {@code batchSize}, by HAPI's generic client; resources per second of each.
     */
    static double[] bareSinglesAndGroups(FhirContext ctx, String base, String run, int n, int batchSize,
                                         int concurrency) throws Exception {
        List<String> singles = patientJsons(run + "s", n);
        double perRequest = bareRequests(ctx, base, singles, concurrency, "single PUTs", (client, json) -> {
            client.update().resource(json).withId("Patient/" + idOf(json)).execute();
        });
        List<String> groups = new ArrayList<>();
        List<String> patients = patientJsons(run + "g", n);
        for (int from = 0; from < patients.size(); from += batchSize) {
            StringBuilder bundle = new StringBuilder(
                    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
            for (int i = from; i < Math.min(from + batchSize, patients.size()); i++) {
                String json = patients.get(i);
                bundle.append(i == from ? "" : ",").append(entry("Patient", idOf(json), json));
            }
            groups.add(bundle.append("]}").toString());
        }
        double perGroup = bareRequests(ctx, base, groups, concurrency, "transactions of " + batchSize,
                (client, bundle) -> client.transaction().withBundle(bundle).execute());
        return new double[] {perRequest, perGroup * n / groups.size()};
    }

    /** The id of one of {@link #patientJsons}' resources. */
    private static String idOf(String json) {
        int start = json.indexOf("\"id\":\"") + 6;
        return json.substring(start, json.indexOf('"', start));
    }

    private static double bareRequests(FhirContext ctx, String base, List<String> bodies, int concurrency,
                                       String what, java.util.function.BiConsumer<IGenericClient, String> send)
            throws Exception {
        IGenericClient client = ctx.newRestfulGenericClient(base);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    send.accept(client, bodies.get(i));
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "  bare client: %d %s in %.2f s%n", bodies.size(), what, seconds);
        return bodies.size() / seconds;
    }

    /** Puts the records in a topic, then runs the sink until it has written them all; records per second. */
    static Rate viaSink(EmbeddedConnectCluster connect, String base, String run, List<String> values,
                        int concurrency, String batchMode, int batchSize) throws Exception {
        String topic = "sink-bench-" + run;
        connect.kafka().createTopic(topic, 1);
        for (int i = 0; i < values.size(); i++) {
            connect.kafka().produce(topic, run + "-" + i, values.get(i));
        }
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.fhir.sink.FhirSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("fhir.url", base);
        config.put("fhir.sink.max.in.flight", String.valueOf(concurrency));
        config.put("fhir.sink.batch.mode", batchMode);
        config.put("fhir.sink.batch.size", String.valueOf(batchSize));
        config.put("fhir.read.timeout.ms", "120000");
        config.put("consumer.override.max.poll.records", "500");
        String name = "sink-bench-" + run;
        long start = System.nanoTime();
        connect.configureConnector(name, config);
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        long written = 0;
        long firstAt = 0;
        long firstCount = 0;
        while (written < values.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            written = recordsWritten(name);
            if (firstAt == 0 && written > 0) {
                firstAt = System.nanoTime();
                firstCount = written;
            }
        }
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        connect.deleteConnector(name);
        // steady state: from the first put() the counter showed (so the task's start, the consumer group join and
        // that first put() are left out) to the last record
        double steady = written > firstCount && end > firstAt ? (written - firstCount) / ((end - firstAt) / 1e9) : 0;
        System.out.printf(Locale.ROOT, "  sink %s (%s): %d records in %.2f s with task start (%.0f/s); steady "
                + "state %.0f/s%n", run, batchMode, written, seconds, values.size() / seconds, steady);
        if (written < values.size()) {
            throw new IllegalStateException("the sink wrote " + written + " of " + values.size());
        }
        return new Rate(values.size() / seconds, steady);
    }

    /** Records per second from the connector's creation, and in steady state (after the first put()). */
    record Rate(double withStart, double steady) {
        Rate times(int factor) {
            return new Rate(withStart * factor, steady * factor);
        }
    }

    private static long recordsWritten(String connector) {
        try {
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            long sum = 0;
            for (ObjectName name : mbeans.queryNames(new ObjectName("healthcare.connect.fhir:type=sink-task,*"),
                    null)) {
                if (connector.equals(ObjectName.unquote(name.getKeyProperty("connector")))) {
                    sum += ((Number) mbeans.getAttribute(name, "RecordsWritten")).longValue();
                }
            }
            return sum;
        } catch (Exception e) {
            return 0;
        }
    }
}
