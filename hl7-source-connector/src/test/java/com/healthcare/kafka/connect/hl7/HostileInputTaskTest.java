package com.healthcare.kafka.connect.hl7;

import static com.healthcare.kafka.connect.hl7.TaskHarness.STORED;
import static com.healthcare.kafka.connect.hl7.TaskHarness.header;
import static com.healthcare.kafka.connect.hl7.TaskHarness.msa;
import static com.healthcare.kafka.connect.hl7.TaskHarness.pollAtLeast;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7.record.RecordSize;
import com.healthcare.kafka.connect.hl7.testutil.Messages;
import com.healthcare.kafka.connect.hl7.testutil.MllpTestClient;

/**
 * Inputs that used to make a record the producer rejects (RecordTooLargeException fails the task under
 * errors.tolerance=none): each is answered, and every record stays within the producer limit after JSON
 * conversion, with error records cut to a prefix plus the full length and digest.
 */
class HostileInputTaskTest {

    private static final long ONE_MIB = 1024 * 1024;
    private final TaskHarness harness = new TaskHarness();

    @AfterEach
    void tearDown() throws IOException {
        harness.close();
    }

    private static long jsonBound(SourceRecord record) {
        return RecordSize.upperBound(record.key(), record.value(), record.headers());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aFrameWithoutEndByteIsCutToABoundedErrorRecordWithLengthAndDigest() throws Exception {
        Hl7SourceTask task = harness.start(Map.of());
        MllpTestClient client = harness.connect(task);
        byte[] head = "\u000bMSH|^~\\&|A|B|C|D|1||ADT^A01|NOEND|P|2.5\rOBX|1|ED|".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[950 * 1024];
        Arrays.fill(body, (byte) 'Q');
        byte[] sent = new byte[head.length + body.length];
        System.arraycopy(head, 0, sent, 0, head.length);
        System.arraycopy(body, 0, sent, head.length, body.length);
        client.sendRaw(sent);

        SourceRecord error = pollAtLeast(task, 1).get(0);
        assertThat(header(error, "hl7.error.class")).isEqualTo("oversized");
        byte[] kept = Arrays.copyOfRange(sent, 1, 1 + 900 * 1024);
        assertThat(header(error, "hl7.error.length")).isEqualTo(Integer.toString(kept.length));
        assertThat(header(error, "hl7.error.sha256")).isEqualTo(sha256(kept));
        assertThat((byte[]) error.value()).hasSize(256 * 1024)
                .isEqualTo(Arrays.copyOf(kept, 256 * 1024));
        assertThat(jsonBound(error)).isLessThan(ONE_MIB);
        task.commitRecord(error, STORED);
        assertThat(msa(client.read(5_000))).startsWith("MSA|AR|NOEND|");
    }

    @Test
    void unframedBinaryIsAnsweredAndBoundedBeforeTheConnectionCloses() throws Exception {
        Hl7SourceTask task = harness.start(Map.of(Hl7SourceConnectorConfig.MAX_MESSAGE_BYTES, "4096",
                Hl7SourceConnectorConfig.ERROR_RECORD_MAX_BYTES, "1000"));
        MllpTestClient client = harness.connect(task);
        byte[] binary = new byte[6000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0x80 + i % 0x7F); // no 0x0B: never a frame
        }
        client.sendRaw(binary);
        SourceRecord error = pollAtLeast(task, 1).get(0);
        assertThat(header(error, "hl7.error.class")).isEqualTo("framing");
        assertThat((byte[]) error.value()).hasSize(1000);
        assertThat(Long.parseLong(header(error, "hl7.error.length"))).isEqualTo(4096);
        task.commitRecord(error, STORED);
        assertThat(msa(client.read(5_000))).startsWith("MSA|AR||");
        assertThat(client.closedByServer(5_000)).isTrue();
    }

    @Test
    void twoMegabytesOfBinaryUnderDefaultsGetARejection() throws Exception {
        Hl7SourceTask task = harness.start(Map.of());
        MllpTestClient client = harness.connect(task);
        byte[] binary = new byte[2 * 1024 * 1024];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0x80 + i % 0x7F);
        }
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                client.sendRaw(binary);
            } catch (IOException expected) {
                // The listener stops reading after hl7.max.message.bytes and closes.
            }
        });
        SourceRecord error = pollAtLeast(task, 1).get(0);
        assertThat(jsonBound(error)).isLessThan(ONE_MIB);
        assertThat((byte[]) error.value()).hasSize(256 * 1024);
        task.commitRecord(error, STORED);
        assertThat(msa(client.read(5_000))).startsWith("MSA|AR||");
        writer.join();
    }

    @Test
    void aValidMessageThatJsonEscapingWouldPushOverTheProducerLimitIsRejectedNotSent() throws Exception {
        Hl7SourceTask task = harness.start(Map.of());
        MllpTestClient client = harness.connect(task);
        // 600 KB of characters JSON writes as six bytes each: 3.6 MB once converted.
        String escaped = Messages.oruR01("ESC1", "2.5") + "OBX|2|TX|||" + "\u0001".repeat(600 * 1024) + "\r";
        // 600 KB of plain text, for contrast, still fits.
        String plain = Messages.oruR01("PLAIN1", "2.5") + "OBX|2|TX|||" + "x".repeat(600 * 1024) + "\r";
        // A control id of 400 KB is copied into a header and a field: 1.2 MB with the text.
        String hugeId = Messages.adtA01("I".repeat(400 * 1024), "2.5");
        client.send(escaped);
        client.send(plain);
        client.send(hugeId);
        List<SourceRecord> records = pollAtLeast(task, 3);
        assertThat(records).extracting(SourceRecord::topic).containsExactly("hl7.errors", "hl7.ORU", "hl7.errors");
        for (SourceRecord record : records) {
            assertThat(jsonBound(record)).isLessThanOrEqualTo(ONE_MIB);
        }
        SourceRecord tooLarge = records.get(0);
        assertThat(header(tooLarge, "hl7.error.class")).isEqualTo("too_large");
        assertThat(header(tooLarge, "hl7.control.id")).isEqualTo("ESC1");
        assertThat(header(tooLarge, "hl7.error.length"))
                .isEqualTo(Integer.toString(escaped.getBytes(StandardCharsets.UTF_8).length));
        assertThat(((Struct) records.get(1).value()).getString("raw")).isEqualTo(plain);
        assertThat(header(records.get(2), "hl7.control.id")).hasSize(256);
        for (SourceRecord record : records) {
            task.commitRecord(record, STORED);
        }
        String ack = client.read(5_000);
        assertThat(msa(ack)).startsWith("MSA|AR|ESC1|").contains("Record too large for Kafka after conversion");
        assertThat(msa(client.read(5_000))).isEqualTo("MSA|AA|PLAIN1");
        assertThat(msa(client.read(5_000))).startsWith("MSA|AR|III");
        // The listener carries on.
        client.send(Messages.adtA01("AFTER", "2.5"));
        SourceRecord after = pollAtLeast(task, 1).get(0);
        task.commitRecord(after, STORED);
        assertThat(msa(client.read(5_000))).isEqualTo("MSA|AA|AFTER");
    }

    @Test
    void theProducerOverrideSetsTheLimit() throws Exception {
        Hl7SourceTask task = harness.start(Map.of(Hl7SourceConnectorConfig.PRODUCER_MAX_REQUEST_SIZE_OVERRIDE,
                Integer.toString(8 * 1024 * 1024), Hl7SourceConnectorConfig.MAX_MESSAGE_BYTES,
                Integer.toString(1024 * 1024)));
        MllpTestClient client = harness.connect(task);
        String escaped = Messages.oruR01("ESC2", "2.5") + "OBX|2|TX|||" + "\u0001".repeat(600 * 1024) + "\r";
        client.send(escaped);
        SourceRecord record = pollAtLeast(task, 1).get(0);
        assertThat(record.topic()).isEqualTo("hl7.ORU");
        task.commitRecord(record, STORED);
        assertThat(msa(client.read(5_000))).isEqualTo("MSA|AA|ESC2");
    }
}
