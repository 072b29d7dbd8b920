package com.healthcare.kafka.connect.it.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;
import com.healthcare.kafka.connect.it.fhirsink.FhirServerQueries;

/**
 * The FHIR sink's delivery under a crash: two worker JVMs from the built zips, a real HAPI FHIR JPA server. The
 * worker running the sink task is SIGKILLed while the stream is being written; its task moves to the survivor,
 * which replays what was not committed. Every record's effect is on the server exactly once: each conditional
 * create (no id, If-None-Exist on its identifier) made one Observation, each PUT one Patient.
 */
class FhirSinkKillIT {

    private static final String TOPIC = "fsk.in";
    private static final int RECORDS = 1500;

    static EmbeddedKafkaCluster kafka;
    static WorkerJvms workers;
    static JpaFhirServer server;
    static FhirServerQueries fhir;

    @BeforeAll
    static void start() throws IOException {
        server = JpaFhirServer.start();
        fhir = new FhirServerQueries(server.baseUrl());
        kafka = new EmbeddedKafkaCluster(1, FhirFailoverIT.brokerProps());
        kafka.start();
        workers = new WorkerJvms("fhir-sink-kill", kafka);
        workers.start(2);
    }

    @AfterAll
    static void stop() {
        if (workers != null) {
            workers.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    private static boolean isPatient(int i) {
        return i % 3 == 0;
    }

    @Test
    void aKilledWorkersRecordsLandExactlyOnce() throws Exception {
        kafka.createTopic(TOPIC, 1);
        int patients = 0;
        for (int i = 0; i < RECORDS; i++) {
            if (isPatient(i)) {
                patients++;
                kafka.produce(TOPIC, "Patient/k" + i, "{\"resourceType\":\"Patient\",\"id\":\"k" + i + "\","
                        + "\"name\":[{\"family\":\"Kill\",\"given\":[\"N" + i + "\"]}]}");
            } else {
                kafka.produce(TOPIC, "obs-" + i, "{\"resourceType\":\"Observation\",\"status\":\"final\","
                        + "\"identifier\":[{\"system\":\"urn:it:kill\",\"value\":\"obs-" + i + "\"}],"
                        + "\"code\":{\"text\":\"heart rate\"},\"valueQuantity\":{\"value\":" + (60 + i % 40) + "}}");
            }
        }
        int observations = RECORDS - patients;
        int patientRecords = patients;

        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.fhir.sink.FhirSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", TOPIC);
        config.put("fhir.url", server.baseUrl());
        config.put("fhir.sink.conditional.mode", "create");
        config.put("fhir.sink.max.in.flight", "2");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("consumer.override.max.poll.records", "50");
        workers.putConnector("fhir-sink-kill", config);
        Map<Integer, String> placement = workers.awaitTasksOnLiveWorkers("fhir-sink-kill", 1, Duration.ofMinutes(2));

        await("the stream is being written").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> fhir.count("Observation") + fhir.count("Patient") >= RECORDS / 5);
        int before = fhir.count("Observation") + fhir.count("Patient");
        workers.kill(workers.byId(placement.get(0)));
        assertThat(before).as("killed mid-stream").isLessThan(RECORDS);

        workers.awaitTasksOnLiveWorkers("fhir-sink-kill", 1, Duration.ofMinutes(2));
        await("every record on the server").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> fhir.count("Observation") >= observations && fhir.count("Patient") >= patientRecords);

        List<JsonNode> stored = fhir.search("Observation?identifier=urn:it:kill%7C");
        Set<String> identifiers = new HashSet<>();
        stored.forEach(o -> identifiers.add(o.path("identifier").get(0).path("value").asText()));
        assertThat(identifiers).hasSize(observations);
        assertThat(stored).as("one Observation per record, none twice").hasSize(observations);
        assertThat(fhir.count("Observation")).isEqualTo(observations);
        assertThat(fhir.count("Patient")).isEqualTo(patients);
        for (int i = 0; i < RECORDS; i += 97) {
            String expected = isPatient(i) ? "Patient/k" + i : "Observation?identifier=urn:it:kill%7Cobs-" + i;
            assertThat(isPatient(i) ? fhir.resolves(expected) : fhir.count(expected) == 1).as(expected).isTrue();
        }
    }
}
