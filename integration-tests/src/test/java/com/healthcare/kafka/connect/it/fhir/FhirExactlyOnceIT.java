package com.healthcare.kafka.connect.it.fhir;

import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.await;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.exactly;
import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.uniqueVersions;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * KIP-618: on a worker with exactly.once.source.support=enabled the connector declares exactly-once support
 * (so exactly.once.support=required is accepted), records and offsets commit in one transaction per poll batch,
 * and a restart in the middle of a load leaves no duplicate for read_committed consumers.
 */
class FhirExactlyOnceIT {

    static ConnectWorker worker;
    static FhirTestServer server;

    @BeforeAll
    static void start() {
        server = FhirTestServer.start();
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        worker = ConnectWorker.start("fhir-eos", 1, Map.of("exactly.once.source.support", "enabled"), broker);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRestartInTheMiddleOfALoadRepeatsNothing() {
        Instant since = Instant.now();
        server.store().putAll(FhirItSupport.patients("eos", 2000));
        server.store().putAll(FhirItSupport.observations("eos", 500, "final"));
        Map<String, String> config = FhirItSupport.pollConfig(server, "eos.", "Patient,Observation", since);
        config.put("tasks.max", "2");
        config.put("exactly.once.support", "required");
        server.faults().pageDelayMs = 40;
        worker.startConnector("fhir-eos", config, 2);
        await("some records before the restart", Duration.ofSeconds(60),
                () -> worker.consume(700, Duration.ofMillis(500), "eos.Patient", "eos.Observation").size() >= 700);
        worker.cluster().restartConnectorAndTasks("fhir-eos", false, true, false);
        server.faults().pageDelayMs = 0;
        List<ConsumerRecord<byte[], byte[]>> records = exactly(worker, 2500, Duration.ofSeconds(120),
                Duration.ofSeconds(4), "eos.Patient", "eos.Observation");
        assertThat(uniqueVersions(records)).hasSize(2500);
    }
}
