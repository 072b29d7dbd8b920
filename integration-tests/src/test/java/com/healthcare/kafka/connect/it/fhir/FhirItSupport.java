package com.healthcare.kafka.connect.it.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;

/** Shared helpers of the FHIR source ITs: connector configs, test data, reading the topics. */
final class FhirItSupport {

    static final String CONNECTOR_CLASS = "com.healthcare.kafka.connect.fhir.FhirSourceConnector";

    private FhirItSupport() {
    }

    /** A poll-only config against the test server; {@code since} isolates the test's own data. */
    static Map<String, String> pollConfig(FhirTestServer server, String prefix, String types, Instant since) {
        return pollConfig(server.baseUrl(), prefix, types, since);
    }

    static Map<String, String> pollConfig(String baseUrl, String prefix, String types, Instant since) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("fhir.url", baseUrl);
        config.put("fhir.resource.types", types);
        config.put("fhir.page.size", "100");
        config.put("fhir.poll.interval.ms", "500");
        config.put("fhir.retry.backoff.ms", "100");
        config.put("fhir.retry.backoff.max.ms", "2000");
        // the server keeps milliseconds: a finer since would (rightly) exclude writes in the same millisecond
        config.put("fhir.since", since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        config.put("topic.prefix", prefix);
        // the embedded broker does not auto-create topics: let the worker create them (KIP-158)
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "2");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        return config;
    }

    /**
     * Turns on the rest-hook subscription for {@code criteria}: listener on 127.0.0.1:{@code port}, endpoint path
     * /fhir-webhook, the given secret header ("Name: value").
     */
    static void subscribe(Map<String, String> config, String criteria, int port, String header) {
        config.put("fhir.subscription.enabled", "true");
        config.put("fhir.subscription.type", "rest-hook");
        config.put("fhir.subscription.criteria", criteria);
        config.put("fhir.subscription.channel.endpoint", "http://127.0.0.1:" + port + "/fhir-webhook");
        config.put("fhir.subscription.listener.port", String.valueOf(port));
        config.put("fhir.subscription.listener.bind.address", "127.0.0.1");
        config.put("fhir.subscription.channel.header", header);
    }

    static List<Resource> patients(String run, int n) {
        List<Resource> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Patient p = new Patient();
            p.setId(run + "-p" + i);
            p.addName().setFamily("Test" + i).addGiven("Zoë");
            p.setGender(i % 2 == 0 ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
            p.addIdentifier().setSystem("urn:mrn").setValue(run + "-" + i);
            list.add(p);
        }
        return list;
    }

    static Observation observation(String id, String status) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.fromCode(status));
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4").setDisplay("Heart rate");
        o.setSubject(new Reference("Patient/x"));
        o.getValueQuantity().setValue(72.50).setUnit("/min");
        return o;
    }

    static List<Resource> observations(String run, int n, String status) {
        List<Resource> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(observation(run + "-o" + i, status));
        }
        return list;
    }

    static List<Resource> encounters(String run, int n) {
        List<Resource> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Encounter e = new Encounter();
            e.setId(run + "-e" + i);
            e.setStatus(Encounter.EncounterStatus.FINISHED);
            list.add(e);
        }
        return list;
    }

    static List<Resource> conditions(String run, int n) {
        List<Resource> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Condition c = new Condition();
            c.setId(run + "-c" + i);
            c.getCode().setText("condition " + i);
            list.add(c);
        }
        return list;
    }

    static List<Resource> medicationRequests(String run, int n) {
        List<Resource> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MedicationRequest m = new MedicationRequest();
            m.setId(run + "-m" + i);
            m.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
            m.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
            list.add(m);
        }
        return list;
    }

    static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return ConnectWorker.JSON.readTree(r.value());
        } catch (Exception e) {
            throw new AssertionError("value is not JSON: " + new String(r.value(), StandardCharsets.UTF_8), e);
        }
    }

    /** Waits until {@code expected} records are on the topics, then asserts no more arrive for {@code quiet}. */
    static List<ConsumerRecord<byte[], byte[]>> exactly(ConnectWorker worker, int expected, Duration timeout,
                                                         Duration quiet, String... topics) {
        List<ConsumerRecord<byte[], byte[]>> records = worker.consume(expected, timeout, topics);
        assertThat(records).as("records on %s within %s", List.of(topics), timeout).hasSizeGreaterThanOrEqualTo(expected);
        List<ConsumerRecord<byte[], byte[]>> again = worker.consume(expected + 1, quiet, topics);
        assertThat(again).as("records on %s after a quiet period (duplicates?)", List.of(topics)).hasSize(expected);
        return again;
    }

    /** (key, fhir.version.id) pairs, asserting each appears once. */
    static Set<String> uniqueVersions(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String k = key(r) + "/" + header(r, "fhir.version.id") + (r.value() == null ? "/deleted" : "");
            if (!seen.add(k)) {
                duplicates.add(k);
            }
        }
        assertThat(duplicates).as("duplicated records").isEmpty();
        return seen;
    }

    static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        // A status read right after a config PUT can 404 until the worker has written the connector's status.
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(ConnectRestException.class).until(condition::get);
    }
}
