package com.healthcare.kafka.connect.hl7;

import static com.healthcare.kafka.connect.hl7.TaskHarness.STORED;
import static com.healthcare.kafka.connect.hl7.TaskHarness.msa;
import static com.healthcare.kafka.connect.hl7.TaskHarness.pollAtLeast;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7.testutil.Messages;
import com.healthcare.kafka.connect.hl7.testutil.MllpTestClient;

/** exactly_once never answers-and-drops a different message that happens to reuse a control id. */
class ControlIdReuseTaskTest {

    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
    }

    @Test
    void aDifferentMessageUnderAReusedControlIdIsWrittenAndCounted() throws Exception {
        Map<String, String> exactlyOnce = Map.of(Hl7SourceConnectorConfig.PROCESSING_GUARANTEE, "exactly_once");
        Hl7SourceTask task = harness.start(exactlyOnce);
        MllpTestClient client = harness.connect(task);
        String first = Messages.adtA01("REUSE1", "2.5");
        String second = first.replace("Doe^John", "Roe^Jane").replace("MRN123", "MRN456");
        client.send(first);
        SourceRecord original = pollAtLeast(task, 1).get(0);
        task.commitRecord(original, STORED);
        assertThat(msa(client.read(5_000))).isEqualTo("MSA|AA|REUSE1");

        client.send(second);
        SourceRecord reused = pollAtLeast(task, 1).get(0);
        assertThat(((Struct) reused.value()).getString("raw")).isEqualTo(second);
        assertThat(task.metrics().getControlIdReuses()).isEqualTo(1);
        assertThat(task.metrics().getDuplicatesSuppressed()).isZero();
        assertThat(client.read(300)).as("answered only after its own commit").isNull();
        task.commitRecord(reused, STORED);
        assertThat(msa(client.read(5_000))).isEqualTo("MSA|AA|REUSE1");

        // A byte-identical resend of either is still a duplicate, also after a restart from the offset.
        client.send(second);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            assertThat(task.poll()).isNullOrEmpty();
            return task.metrics().getDuplicatesSuppressed() == 1;
        });
        assertThat(msa(client.read(5_000))).isEqualTo("MSA|AA|REUSE1");

        Map<String, Object> offset = new HashMap<>(reused.sourceOffset());
        Hl7SourceTask restarted = harness.start(exactlyOnce, offset);
        MllpTestClient again = harness.connect(restarted);
        again.send(first);
        again.send(second);
        again.send(second.replace("MRN456", "MRN789"));
        List<SourceRecord> after = pollAtLeast(restarted, 1);
        assertThat(after).extracting(r -> ((Struct) r.value()).getString("patient_id")).containsExactly("MRN789");
        assertThat(restarted.metrics().getDuplicatesSuppressed()).isEqualTo(2);
        assertThat(restarted.metrics().getControlIdReuses()).isEqualTo(1);
    }
}
