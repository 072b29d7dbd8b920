package com.healthcare.kafka.connect.it.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;
import com.healthcare.kafka.connect.it.harness.Mllp;

/**
 * Issue 13.1 and 13.2 on the real worker from the built zips, default worker settings (JsonConverter,
 * errors.tolerance=none): MaskPhi placed on the HL7 source as seed 000 places it, and under safe-harbor, with
 * FacilityMetadata and Hl7ToFhir in the same chain. A garbage frame (no MSH, a name and an MRN inside) used to
 * fail the task ("neither HL7 v2 nor JSON"); now the source's error record is redacted whole with the
 * {@code maskphi.redacted} header, the task stays RUNNING and the next valid message is acknowledged. A 450 KB ORU
 * whose OBX-5 repeats {@code \.sp100\} (a Bundle of over 10 MB) is routed by Hl7ToFhir to its error topic instead
 * of failing the task with RecordTooLargeException.
 */
class MaskPhiErrorRecordsIT {

    static final String HL7 = "com.healthcare.kafka.connect.hl7.Hl7SourceConnector";
    static final String GARBAGE = "\u0001\u0002 not HL7: DOE^JANE MRN778899 123-45-6789 \u00ff";

    static ConnectWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("mask-errors");
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    static Map<String, String> source(String name, int port, String prefix) {
        Map<String, String> c = new HashMap<>();
        c.put("name", name);
        c.put("connector.class", HL7);
        c.put("tasks.max", "1");
        c.put("hl7.listener.host", "127.0.0.1");
        c.put("hl7.listener.port", Integer.toString(port));
        c.put("topic.prefix", prefix);
        c.put("topic.creation.default.replication.factor", "1");
        c.put("topic.creation.default.partitions", "1");
        return c;
    }

    static String adt(String controlId) {
        return "MSH|^~\\&|EPIC|HOSP|LAB|HOSP|20240517120000||ADT^A01^ADT_A01|" + controlId + "|P|2.5\r"
                + "EVN|A01|20240517120000\r"
                + "PID|1||MRN778899^^^HOSP^MR||DOE^JANE||19800517|F|||1 MAIN ST^^SPRINGFIELD^IL^62704||||||ACCT1"
                + "|123-45-6789\r"
                + "PV1|1|I|4W^401^A\r";
    }

    static String spOru() {
        StringBuilder obx5 = new StringBuilder();
        while (obx5.length() < 450_000) {
            obx5.append("x\\.sp100\\");
        }
        return "MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240517140000||ORU^R01^ORU_R01|SP1|P|2.5\r"
                + "PID|1||MRN778899^^^HOSP^MR||DOE^JANE||19800517|F\r"
                + "OBR|1|ORD1|FIL1|11529-5^Surgical path report^LN|||20240517130000\r"
                + "OBX|1|FT|11529-5^Surgical path report^LN||" + obx5 + "||||||F\r";
    }

    static String taskState(String connector) {
        JsonNode status = worker.getJson("connectors/" + connector + "/status");
        return status.path("tasks").path(0).path("state").asText();
    }

    static List<KafkaScan.Text> topic(String topic, int atLeast) {
        String bootstrap = worker.kafka().bootstrapServers();
        Awaitility.await(topic).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> KafkaScan.topics(bootstrap).contains(topic)
                        && KafkaScan.readAll(bootstrap, List.of(topic)).size() >= atLeast);
        return KafkaScan.readAll(bootstrap, List.of(topic));
    }

    /** Garbage, then a valid message on another connection: AA, and the task never failed. */
    void garbageThenValid(String connector, int port) throws Exception {
        try (Mllp garbage = new Mllp(port)) {
            String ack = garbage.send(GARBAGE.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(Mllp.ackCode(ack)).isIn("AR", "AE");
        }
        try (Mllp valid = new Mllp(port)) {
            assertThat(Mllp.ackCode(valid.send(adt("V1")))).isEqualTo("AA");
        }
        assertThat(taskState(connector)).isEqualTo("RUNNING");
    }

    @Test
    void seed000MaskOnTheHl7SourceRedactsTheSourcesErrorRecordAndTheTaskKeepsRunning() throws Exception {
        int port = ConnectWorker.freePort();
        Map<String, String> c = source("seed000-mask", port, "s0.");
        // seed 000's chain: its maskPHI (MaskField-style fields), here with FacilityMetadata and Hl7ToFhir too
        c.put("transforms", "facility,maskPHI,tofhir");
        c.put("transforms.facility.type", "com.healthcare.kafka.connect.transforms.FacilityMetadata");
        c.put("transforms.facility.facility.code", "F01");
        c.put("transforms.facility.facility.headers.enabled", "true");
        c.put("transforms.maskPHI.type", "com.healthcare.kafka.connect.transforms.MaskPhi$Value");
        c.put("transforms.maskPHI.fields", "PID.19,PID.18,PID.11");
        c.put("transforms.maskPHI.replacement", "[REDACTED]");
        c.put("transforms.tofhir.type", "com.healthcare.kafka.connect.transforms.Hl7ToFhir");
        c.put("transforms.tofhir.error.topic", "s0.fhir.errors");
        worker.startConnector("seed000-mask", c, 1);

        garbageThenValid("seed000-mask", port);

        List<KafkaScan.Text> errors = topic("s0.errors", 1);
        assertThat(errors).hasSize(1);
        KafkaScan.Text error = errors.get(0);
        assertThat(error.headers()).contains("maskphi.redacted=value").contains("hl7.error.reason=")
                .contains("facility_code").doesNotContain("hl7tofhir.error");
        assertThat(error.value()).doesNotContain("DOE").doesNotContain("MRN778899").doesNotContain("123-45-6789");
        List<KafkaScan.Text> adts = topic("s0.ADT", 1);
        assertThat(adts.get(0).value()).contains("Bundle").doesNotContain("123-45-6789");

        // 13.1: the 10 MB Bundle is not emitted; the original goes to the error topic and the task keeps running
        try (Mllp big = new Mllp(port)) {
            assertThat(Mllp.ackCode(big.send(spOru()))).isEqualTo("AA");
        }
        List<KafkaScan.Text> routed = topic("s0.fhir.errors", 1);
        assertThat(routed.get(0).headers()).contains("BundleTooLargeException").contains("bundle.max.bytes");
        assertThat(routed.get(0).value()).contains("SP1").hasSizeLessThan(1 << 20);
        try (Mllp valid = new Mllp(port)) {
            assertThat(Mllp.ackCode(valid.send(adt("V2")))).isEqualTo("AA");
        }
        assertThat(taskState("seed000-mask")).isEqualTo("RUNNING");
    }

    @Test
    void safeHarborOnTheHl7SourceRedactsTheSourcesErrorRecordAndTheTaskKeepsRunning() throws Exception {
        int port = ConnectWorker.freePort();
        Map<String, String> c = source("sh-mask", port, "sh.");
        c.put("transforms", "mask,maskKey");
        c.put("transforms.mask.type", "com.healthcare.kafka.connect.transforms.MaskPhi$Value");
        c.put("transforms.mask.profile", "safe-harbor");
        c.put("transforms.maskKey.type", "com.healthcare.kafka.connect.transforms.MaskPhi$Key");
        c.put("transforms.maskKey.profile", "safe-harbor");
        worker.startConnector("sh-mask", c, 1);

        garbageThenValid("sh-mask", port);

        KafkaScan.Text error = topic("sh.errors", 1).get(0);
        assertThat(error.headers()).contains("maskphi.redacted=value").contains("maskphi.redacted.reason=");
        assertThat(error.value()).doesNotContain("DOE").doesNotContain("MRN778899");
        KafkaScan.Text adt = topic("sh.ADT", 1).get(0);
        assertThat(adt.all()).doesNotContain("MRN778899").doesNotContain("DOE");
    }
}
