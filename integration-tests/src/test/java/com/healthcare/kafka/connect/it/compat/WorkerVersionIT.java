package com.healthcare.kafka.connect.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * Proves which Connect runtime the ITs of this run use: Kafka 4.3 by default, 3.9 with -Pkafka-3.9, so the
 * foundation ITs that pass in the 3.9 run prove the zips load and validate on an older worker.
 */
class WorkerVersionIT {

    static ConnectWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("version");
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void workerRunsTheExpectedKafkaVersion() {
        assertThat(worker.getJson("").path("version").asText())
                .isEqualTo(System.getProperty("healthcare.worker.kafka.version"));
    }
}
