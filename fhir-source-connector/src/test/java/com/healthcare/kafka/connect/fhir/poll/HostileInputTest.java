package com.healthcare.kafka.connect.fhir.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig;
import com.healthcare.kafka.connect.fhir.client.BundleReader;
import com.healthcare.kafka.connect.fhir.client.BundleReader.ResourceInfo;
import com.healthcare.kafka.connect.fhir.poll.TypeCursor.Decision;

/** Resources too large for Kafka, and notifications far ahead of polling: the stream moves on, the offset stays small. */
class HostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final RecordFactory factory = new RecordFactory("fhir.", "http://fhir.example.org/fhir");

    static String observation(String id, String version, String lastUpdated, String note) {
        return "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
                + "\",\"lastUpdated\":\"" + lastUpdated + "\"},\"status\":\"final\",\"note\":[{\"text\":\"" + note
                + "\"}]}";
    }

    static long stored(SourceRecord r, boolean jsonConverter, boolean schemas) {
        if (jsonConverter) {
            JsonConverter c = new JsonConverter();
            c.configure(Map.of("schemas.enable", String.valueOf(schemas)), false);
            return c.fromConnectData(r.topic(), r.valueSchema(), r.value()).length;
        }
        StringConverter c = new StringConverter();
        c.configure(Map.of(), false);
        return c.fromConnectData(r.topic(), r.valueSchema(), r.value()).length;
    }

    SourceRecord record(String json) {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        return factory.resource("Observation", "big", "3", "2024-05-01T10:00:00Z", t, json, Map.of("wm", "x"),
                "poll");
    }

    @Test
    void theSizeBoundCoversWhatEveryConverterStores() {
        // 600 KB of escaped quotes double again in JsonConverter; control characters grow six times
        for (String note : List.of("\\\"".repeat(300_000), "\u0001".repeat(200_000), "é€𝄞".repeat(80_000),
                "plain text ".repeat(80_000))) {
            SourceRecord r = record(observation("big", "3", "2024-05-01T10:00:00Z", note));
            long bound = RecordSize.stored(r);
            for (boolean[] c : new boolean[][] {{true, true}, {true, false}, {false, false}}) {
                assertThat(stored(r, c[0], c[1])).as("converter %s/%s", c[0], c[1]).isLessThanOrEqualTo(bound);
            }
        }
        SourceRecord quotes = record(observation("big", "3", "2024-05-01T10:00:00Z", "\\\"".repeat(300_000)));
        assertThat(quotes.value().toString().length()).isLessThan(700_000);
        assertThat(stored(quotes, true, true)).as("JsonConverter grows it past 1 MB").isGreaterThan(1_200_000);
    }

    @Test
    void aResourceTooLargeAsStoredBecomesASmallErrorRecordWithTheSameOffset() throws Exception {
        SourceRecord big = record(observation("big", "3", "2024-05-01T10:00:00Z", "\\\"".repeat(300_000)));
        SourceRecord error = factory.bounded(big);
        assertThat(error).isNotSameAs(big);
        assertThat(error.topic()).isEqualTo("fhir.errors");
        assertThat(error.key()).isEqualTo("Observation/big");
        assertThat(error.sourcePartition()).isEqualTo(big.sourcePartition());
        assertThat(error.sourceOffset()).isEqualTo(big.sourceOffset());
        assertThat(stored(error, true, true)).isLessThan(2_000);
        JsonNode value = JSON.readTree(error.value().toString());
        assertThat(value.path("resourceType").asText()).isEqualTo("Observation");
        assertThat(value.path("id").asText()).isEqualTo("big");
        assertThat(value.path("versionId").asText()).isEqualTo("3");
        assertThat(value.path("size").asLong()).isEqualTo(RecordSize.stored(big));
        assertThat(value.path("limit").asLong()).isEqualTo(RecordFactory.DEFAULT_MAX_RECORD_BYTES);
        assertThat(value.path("url").asText()).isEqualTo("http://fhir.example.org/fhir/Observation/big/_history/3");
        assertThat(value.path("reason").asText()).contains("fhir.record.max.bytes");
        assertThat(error.headers().lastWithName(RecordFactory.HEADER_ERROR_REASON).value()).isEqualTo("too-large");

        // a hostile server's 2 MB id cannot make the error record large
        SourceRecord longId = factory.resource("Observation", "x".repeat(2_000_000), "1", null, null, "{}",
                Map.of(), "poll");
        assertThat(stored(factory.bounded(longId), true, true)).isLessThan(3_000);

        // 900 KB of plain text is fine
        SourceRecord fine = record(observation("ok", "1", "2024-05-01T10:00:00Z", "a".repeat(900_000)));
        assertThat(factory.bounded(fine)).isSameAs(fine);
    }

    @Test
    void theStreamMovesPastAnOversizedResourceAndARestartDoesNotFindItAgain() throws Exception {
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
                + "{\"resource\":" + observation("big", "1", "2024-05-01T10:00:00.001Z", "\\\"".repeat(300_000))
                + ",\"search\":{\"mode\":\"match\"}},"
                + "{\"resource\":" + observation("next", "1", "2024-05-01T10:00:00.002Z", "ok")
                + ",\"search\":{\"mode\":\"match\"}}]}";
        BundleReader.Page page = BundleReader.readBundle(bundle.getBytes(StandardCharsets.UTF_8), "test");
        RecordQueue queue = new RecordQueue(100);
        TaskMetrics metrics = new TaskMetrics();
        TypeStream stream = new TypeStream("Observation", TypeCursor.restore(null, null), factory, queue, metrics);
        stream.searchPage(page);
        List<SourceRecord> out = queue.take(10, 1000);
        assertThat(out).extracting(SourceRecord::topic).containsExactly("fhir.errors", "fhir.Observation");
        assertThat(out).extracting(SourceRecord::key).containsExactly("Observation/big", "Observation/next");
        assertThat(metrics.getOversizedResources()).isEqualTo(1);

        // restart from the committed offset: the same search finds nothing new, no poison pill
        Map<String, Object> committed = (Map<String, Object>) out.get(1).sourceOffset();
        TypeStream restarted = new TypeStream("Observation", TypeCursor.restore(committed, null), factory, queue,
                new TaskMetrics());
        assertThat(restarted.searchPage(page)).isZero();
    }

    static ResourceInfo r(String id, String version, Instant lastUpdated) {
        return new ResourceInfo("Observation", id, version, lastUpdated.toString(), 0, 0);
    }

    @Test
    void a100000NotificationBacklogKeepsTheOffsetSmallAndLosesNothing() throws Exception {
        Instant base = Instant.parse("2024-05-01T10:00:00Z");
        TypeCursor cursor = TypeCursor.restore(null, null);
        assertThat(cursor.searched(r("seed", "1", base), base)).isEqualTo(Decision.EMIT);
        int n = 100_000;
        Set<String> emitted = new HashSet<>();
        long largest = 0;
        boolean backlogSignalled = false;
        for (int i = 0; i < n; i++) {
            Instant t = base.plusMillis(1 + i);
            ResourceInfo resource = r(new java.util.UUID(42, i).toString(), "1", t);
            assertThat(cursor.notified(resource, t)).isEqualTo(Decision.EMIT);
            emitted.add(TypeCursor.key(resource));
            backlogSignalled |= cursor.notifiedBacklog();
            if (i % 997 == 0 || i == n - 1) {
                largest = Math.max(largest, JSON.writeValueAsBytes(cursor.toOffset()).length);
            }
        }
        assertThat(backlogSignalled).as("the owner was asked to run a search").isTrue();
        // unbounded, this offset would be about 6.6 MB; the worker refuses offsets over 1 MB
        assertThat(largest).isLessThanOrEqualTo(TypeCursor.NOTIFIED_MAX_CHARS + 1024);
        TypeCursor restored = TypeCursor.restore(cursor.toOffset(), null);
        assertThat(restored.pendingNotified()).isEqualTo(cursor.pendingNotified()).isLessThan(1100);

        // the search then passes all of them: every change is emitted, the forgotten ones exactly once more
        int again = 0;
        for (int i = 0; i < n; i++) {
            Instant t = base.plusMillis(1 + i);
            ResourceInfo resource = r(new java.util.UUID(42, i).toString(), "1", t);
            if (restored.searched(resource, t) == Decision.EMIT) {
                again++;
                emitted.add(TypeCursor.key(resource));
            }
        }
        assertThat(emitted).hasSize(n);
        assertThat(again).isEqualTo(n - cursor.pendingNotified());
        assertThat(cursor.evictedNotified()).isEqualTo(n - cursor.pendingNotified());
        assertThat(restored.pendingNotified()).isZero();
    }

    @Test
    void aGrowingNotificationBacklogAsksForASearchAndTooLargeNotifiedResourcesGoToTheErrorTopic() throws Exception {
        RecordQueue queue = new RecordQueue(10_000);
        TypeStream stream = new TypeStream("Observation", TypeCursor.restore(null, null), factory, queue,
                new TaskMetrics());
        Instant base = Instant.parse("2024-05-01T10:00:00Z");
        int firstPollSoon = -1;
        for (int i = 0; i < 2000 && firstPollSoon < 0; i++) {
            Instant t = base.plusMillis(i);
            TypeStream.NotificationOutcome outcome = stream.notification(
                    r(new java.util.UUID(7, i).toString(), "1", t), observation("x", "1", t.toString(), "n"), x -> { });
            assertThat(outcome.record()).isNotNull();
            if (outcome.pollSoon()) {
                firstPollSoon = i;
            }
        }
        // about 32 KiB of keys: some 500 UUID keys wait for the search, then each notification asks for one
        assertThat(firstPollSoon).isBetween(400, 700);

        Instant t = base.plusSeconds(60);
        TypeStream.NotificationOutcome big = stream.notification(r("big", "1", t),
                observation("big", "1", t.toString(), "\\\"".repeat(300_000)), x -> { });
        assertThat(big.record().topic()).isEqualTo("fhir.errors");
        assertThat(big.record().key()).isEqualTo("Observation/big");
    }
}
