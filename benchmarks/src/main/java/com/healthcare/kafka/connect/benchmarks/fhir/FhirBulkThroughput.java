package com.healthcare.kafka.connect.benchmarks.fhir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;

import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;

/**
 * Load driver: the FHIR source's initial load of the same data on the same HAPI FHIR JPA server (H2, in this JVM),
 * by Bulk Data {@code $export} ({@code fhir.initial.load=bulk-export}) against {@code _lastUpdated} paging
 * ({@code paging}, 100 per page), in one run. The server holds {@code resources} resources, half Patients, half
 * Observations. Each load is a new connector (fresh offsets, new topics) on one in-process worker; its time runs
 * from creating the connector until the topics' end offsets count every resource, so the bulk load's time includes
 * the server building the export. Rounds alternate which mode goes first; medians are compared.
 *
 * <p>HAPI JPA's {@code $export} runs as a Batch2 job that calls the slf4j 2 API: this module runs on slf4j-api 2.
 *
 * <p>HAPI moves a Batch2 job from step to step on its maintenance pass, once a minute by default (fast tracking, which
 * the test server turns on, skips some of those waits). {@code maintenance ms > 0} triggers a pass that often
 * instead, to show what the export costs without HAPI's scheduling.
 *
 * <p>Usage: {@code FhirBulkThroughput [resources=10000] [rounds=3] [maintenance ms=0: HAPI's default]}.
 */
public final class FhirBulkThroughput {

    private static final int PAGE = 100;
    private static final int TRANSACTION = 500;

    private FhirBulkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long maintenanceMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int patients = n / 2;
        int observations = n - patients;
        try (JpaFhirServer server = JpaFhirServer.start(JpaFhirServer.Options.defaults().withPageSize(PAGE))) {
            if (maintenanceMs > 0) {
                IJobMaintenanceService maintenance = server.bean(IJobMaintenanceService.class);
                ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "batch2-maintenance-trigger");
                    t.setDaemon(true);
                    return t;
                });
                timer.scheduleWithFixedDelay(maintenance::triggerMaintenancePass, maintenanceMs, maintenanceMs,
                        TimeUnit.MILLISECONDS);
            }
            long t0 = System.nanoTime();
            load(server.baseUrl(), patients, observations);
            System.out.printf(Locale.ROOT, "loaded %d Patients and %d Observations in %.1f s%n", patients,
                    observations, (System.nanoTime() - t0) / 1e9);
            EmbeddedConnectCluster connect = FhirSourceThroughput.startWorker();
            try {
                // warm-up of both paths (JIT, HAPI's search and Batch2 code, topic creation)
                viaConnector(connect, server.baseUrl(), n, "paging", "warmup-paging");
                viaConnector(connect, server.baseUrl(), n, "bulk-export", "warmup-bulk");
                List<Double> paging = new ArrayList<>();
                List<Double> bulk = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        paging.add(viaConnector(connect, server.baseUrl(), n, "paging", "p" + r));
                        bulk.add(viaConnector(connect, server.baseUrl(), n, "bulk-export", "b" + r));
                    } else {
                        bulk.add(viaConnector(connect, server.baseUrl(), n, "bulk-export", "b" + r));
                        paging.add(viaConnector(connect, server.baseUrl(), n, "paging", "p" + r));
                    }
                    System.out.printf(Locale.ROOT, "round %d: paging %.0f resources/s, bulk export %.0f resources/s%n",
                            r + 1, paging.get(r), bulk.get(r));
                }
                double p = FhirSourceThroughput.median(paging);
                double b = FhirSourceThroughput.median(bulk);
                System.out.printf(Locale.ROOT, "RESULT resources=%d (Patient %d, Observation %d) page=%d rounds=%d "
                        + "batch2 maintenance=%s baseline(_lastUpdated paging)=%.0f/s bulk-export=%.0f/s ratio=%.2f%n", n, patients,
                        observations, PAGE, rounds,
                        maintenanceMs > 0 ? "every " + maintenanceMs + " ms" : "HAPI default", p, b, b / p);
            } finally {
                connect.stop();
            }
        }
        System.exit(0);
    }

    /** PUTs the resources in transaction Bundles through the server's REST API. */
    private static void load(String base, int patients, int observations) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int from = 0; from < patients; from += TRANSACTION) {
            List<String> entries = new ArrayList<>();
            for (int i = from; i < Math.min(patients, from + TRANSACTION); i++) {
                String id = "bp" + i;
                entries.add(entry("Patient", id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"identifier\":"
                        + "[{\"system\":\"urn:bench:mrn\",\"value\":\"" + id + "\"}],\"name\":[{\"family\":\"Bulk\","
                        + "\"given\":[\"N" + i + "\"]}],\"gender\":\"female\",\"birthDate\":\"1962-07-18\"}"));
            }
            transaction(http, base, entries);
        }
        for (int from = 0; from < observations; from += TRANSACTION) {
            List<String> entries = new ArrayList<>();
            for (int i = from; i < Math.min(observations, from + TRANSACTION); i++) {
                String id = "bo" + i;
                entries.add(entry("Observation", id, "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\","
                        + "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":"
                        + "\"8867-4\"}],\"text\":\"Heart rate\"},\"subject\":{\"reference\":\"Patient/bp"
                        + (i % Math.max(1, patients)) + "\"},\"valueQuantity\":{\"value\":" + (60 + i % 40) + "}}"));
            }
            transaction(http, base, entries);
        }
    }

    private static String entry(String type, String id, String resource) {
        return "{\"fullUrl\":\"" + type + "/" + id + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"PUT\","
                + "\"url\":\"" + type + "/" + id + "\"}}";
    }

    private static void transaction(HttpClient http, String base, List<String> entries)
            throws IOException, InterruptedException {
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries)
                + "]}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(bundle)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("transaction -> HTTP " + response.statusCode() + ": " + response.body());
        }
    }

    /** Creates a connector for both types and waits until every resource is in Kafka; resources per second. */
    static double viaConnector(EmbeddedConnectCluster connect, String base, int expected, String initialLoad,
                               String run) {
        String prefix = "bulkbench-" + run + "-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.fhir.FhirSourceConnector");
        config.put("tasks.max", "1");
        config.put("fhir.url", base);
        config.put("fhir.resource.types", "Patient,Observation");
        config.put("fhir.initial.load", initialLoad);
        config.put("fhir.page.size", String.valueOf(PAGE));
        config.put("fhir.poll.interval.ms", "600000");
        config.put("fhir.bulk.export.poll.interval.ms", "200");
        // HAPI JPA answers every status request with Retry-After: 120
        config.put("fhir.bulk.export.retry.after.max.ms", "200");
        config.put("fhir.read.timeout.ms", "120000");
        config.put("topic.prefix", prefix);
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        String name = "bulkbench-" + run;
        long start = System.nanoTime();
        connect.configureConnector(name, config);
        long[] progress = FhirSourceThroughput.awaitRecords(connect, start, expected, Duration.ofMinutes(20),
                prefix + "Patient", prefix + "Observation");
        long count = progress[0];
        long firstRecordMs = progress[1];
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  %s %s: first record after %d ms, %d records in %.2f s%n", initialLoad, run,
                firstRecordMs, count, seconds);
        connect.deleteConnector(name);
        if (count != expected) {
            throw new IllegalStateException(initialLoad + ": " + count + " records for " + expected + " resources");
        }
        return count / seconds;
    }
}
