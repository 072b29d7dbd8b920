package com.healthcare.kafka.connect.it.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/** docker/connect/apply-configs.sh (run by the image at start) creates connectors once and is idempotent. */
class ApplyConfigsIT {

    static ConnectWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("apply");
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void createsThenLeavesUnchanged() throws Exception {
        Path dir = Files.createDirectories(BuiltZips.workDir().resolve("apply-" + System.nanoTime()));
        String config = Files.readString(BuiltZips.projectRoot().resolve("connector-configs/sandbox/hl7-mllp-source.json"))
                .replace("\"2575\"", "\"" + ConnectWorker.freePort() + "\"");
        Files.writeString(dir.resolve("hl7.json"), config);

        String rest = worker.endpoint("").replaceAll("/$", "");
        String first = run(dir, rest);
        assertThat(first).contains("sandbox-hl7-mllp created");
        worker.cluster().assertions().assertConnectorAndAtLeastNumTasksAreRunning("sandbox-hl7-mllp", 1,
                "applied connector runs");
        String second = run(dir, rest);
        assertThat(second).contains("sandbox-hl7-mllp unchanged or updated");
        assertThat(worker.getJson("connectors/sandbox-hl7-mllp/config").get("topic.prefix").asText())
                .isEqualTo("hl7.");
    }

    private static String run(Path dir, String rest) throws Exception {
        Process p = new ProcessBuilder("sh", BuiltZips.projectRoot().resolve("docker/connect/apply-configs.sh").toString(),
                dir.toString(), rest).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
