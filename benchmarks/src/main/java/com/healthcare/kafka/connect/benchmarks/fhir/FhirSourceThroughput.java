package com.healthcare.kafka.connect.benchmarks.fhir;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;

/**
 * Load driver: resources per second through the FHIR source connector into Kafka, against a bare HAPI FHIR
 * generic client paging the same server in the same JVM and run (the baseline). Both read every Patient of a
 * {@link BenchFhirServer}, sorted by _lastUpdated, 100 per page. The connector's time runs from creating the
 * connector (task start included) until the topic's end offsets show every resource written to Kafka; the
 * client's from its first request to its last page. Rounds alternate (client, connector) and the medians are compared.
 *
 * <p>Usage: {@code FhirSourceThroughput [patients=20000] [rounds=3] [producer batch.size, 0 = worker default]
 * [partitions=1]}.
 * Connect's producer sends one request at a time (max.in.flight=1, acks=all), so with ~1.3 KB resources its
 * default 16 KB batch.size caps throughput; {@code producer.override.batch.size} lifts that cap.
 */
public final class FhirSourceThroughput {

    private static final int PAGE = 100;
    private static int batchSize;
    private static int partitions = 1;

    private FhirSourceThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        partitions = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        try (BenchFhirServer server = new BenchFhirServer(n)) {
            EmbeddedConnectCluster connect = startWorker();
            try {
                FhirContext ctx = FhirContext.forR4();
                ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
                ctx.getRestfulClientFactory().setSocketTimeout(60_000);
                // warm-up of both paths (JIT, HAPI model scanning, topic creation paths)
                bareClient(ctx, server.baseUrl(), n);
                viaConnector(connect, server.baseUrl(), n, "warmup");
                List<Double> client = new ArrayList<>();
                List<Double> connector = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    client.add(bareClient(ctx, server.baseUrl(), n));
                    connector.add(viaConnector(connect, server.baseUrl(), n, "r" + r));
                    System.out.printf(Locale.ROOT, "round %d: bare HAPI client %.0f resources/s, connector -> Kafka "
                            + "%.0f resources/s%n", r + 1, client.get(r), connector.get(r));
                }
                double c = median(client);
                double k = median(connector);
                System.out.printf(Locale.ROOT, "RESULT patients=%d page=%d rounds=%d producer.batch.size=%s partitions=%d "
                        + "baseline(bare HAPI client)=%.0f/s connector=%.0f/s ratio=%.2f%n", n, PAGE, rounds,
                        batchSize == 0 ? "default" : String.valueOf(batchSize), partitions, c, k, k / c);
            } finally {
                connect.stop();
            }
        }
        System.exit(0);
    }

    static EmbeddedConnectCluster startWorker() {
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.discovery", "service_load");
        worker.put("offset.flush.interval.ms", "10000");
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder().name("fhir-bench").numWorkers(1)
                .numBrokers(1).workerProps(worker).build();
        cluster.start();
        return cluster;
    }

    /** Pages through every Patient with HAPI's generic client (parsing each page into model objects). */
    static double bareClient(FhirContext ctx, String base, int expected) {
        IGenericClient client = ctx.newRestfulGenericClient(base);
        long start = System.nanoTime();
        Bundle bundle = client.search().forResource(Patient.class).sort().ascending("_lastUpdated").count(PAGE)
                .returnBundle(Bundle.class).execute();
        int count = bundle.getEntry().size();
        while (bundle.getLink(Bundle.LINK_NEXT) != null) {
            bundle = client.loadPage().next(bundle).execute();
            count += bundle.getEntry().size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (count != expected) {
            throw new IllegalStateException("the client read " + count + " of " + expected + " resources");
        }
        return count / seconds;
    }

    /** Creates a connector for the Patients and waits until all of them are readable from Kafka. */
    static double viaConnector(EmbeddedConnectCluster connect, String base, int expected, String run) {
        String prefix = "bench-" + run + "-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.fhir.FhirSourceConnector");
        config.put("tasks.max", "1");
        config.put("fhir.url", base);
        config.put("fhir.resource.types", "Patient");
        config.put("fhir.page.size", String.valueOf(PAGE));
        config.put("fhir.poll.interval.ms", "600000");
        config.put("topic.prefix", prefix);
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", String.valueOf(partitions));
        if (batchSize > 0) {
            config.put("producer.override.batch.size", String.valueOf(batchSize));
            config.put("producer.override.linger.ms", "5");
        }
        String name = "bench-" + run;
        long start = System.nanoTime();
        connect.configureConnector(name, config);
        long[] progress = awaitRecords(connect, start, expected, Duration.ofMinutes(10), prefix + "Patient");
        long count = progress[0];
        long firstRecordMs = progress[1];
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  connector %s: first record after %d ms, %d records in %.2f s%n", run,
                firstRecordMs, count, seconds);
        connect.deleteConnector(name);
        if (count < expected) {
            throw new IllegalStateException("only " + count + " of " + expected + " records arrived");
        }
        return count / seconds;
    }

    /**
     * Waits (checking every 50 ms, at most {@code timeout}) until the topics' end offsets add up to {@code expected}:
     * written to Kafka, nothing more measured. Returns {records, ms from {@code startNanos} to the first record}.
     */
    static long[] awaitRecords(EmbeddedConnectCluster connect, long startNanos, long expected, Duration timeout,
                               String... topics) {
        long count = 0;
        long firstRecordMs = -1;
        try (Admin admin = connect.kafka().createAdminClient()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
                count = 0;
                for (String topic : topics) {
                    count += endOffsets(admin, topic);
                }
                if (count > 0 && firstRecordMs < 0) {
                    firstRecordMs = (System.nanoTime() - startNanos) / 1_000_000;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new long[] {count, firstRecordMs};
    }

    static long endOffsets(Admin admin, String topic) {
        try {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()),
                    OffsetSpec.latest()));
            long total = 0;
            for (var info : admin.listOffsets(request).all().get().values()) {
                total += info.offset();
            }
            return total;
        } catch (Exception e) {
            return 0; // the worker has not created the topic yet
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }
}
