package com.healthcare.kafka.connect.fhir.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RecordFactoryTest {

    private final RecordFactory factory = new RecordFactory("fhir.", "http://fhir.example.org/fhir");

    @Test
    void thePartitionSurvivesTheWorkersJsonRoundTripByteForByte() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), true);
        // the worker keys offsets by [connector, partition] serialized as JSON
        byte[] stored = converter.fromConnectData("", null, List.of("c", factory.partition("Patient")));
        Object reread = converter.toConnectData("", stored).value();
        byte[] again = converter.fromConnectData("", null, reread);
        assertThat(Arrays.equals(stored, again)).as(new String(stored) + " vs " + new String(again)).isTrue();
    }

    @Test
    void recordsCarryKeyTopicHeadersAndTimestamp() {
        Instant t = Instant.parse("2024-05-01T10:00:00.123Z");
        SourceRecord r = factory.resource("Patient", "p1", "3", "2024-05-01T10:00:00.123+00:00", t, "{}", Map.of(),
                "poll");
        assertThat(r.key()).isEqualTo("Patient/p1");
        assertThat(r.topic()).isEqualTo("fhir.Patient");
        assertThat(r.timestamp()).isEqualTo(t.toEpochMilli());
        assertThat(r.headers().lastWithName("fhir.version.id").value()).isEqualTo("3");
        assertThat(r.headers().lastWithName("fhir.last.updated").value()).isEqualTo("2024-05-01T10:00:00.123+00:00");
        assertThat(r.headers().lastWithName("content-type").value()).isEqualTo("application/fhir+json");
        SourceRecord tombstone = factory.tombstone("Patient", "p1", "4", null, null, Map.of());
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.key()).isEqualTo("Patient/p1");
        assertThat(tombstone.headers().lastWithName("fhir.resource.type").value()).isEqualTo("Patient");
    }

    @Test
    void aDeleteIsATombstoneUnderEveryConverter() {
        SourceRecord tombstone = factory.tombstone("Patient", "p1", "4", null, null, Map.of());
        for (String schemas : List.of("true", "false")) {
            JsonConverter json = new JsonConverter();
            json.configure(Map.of("schemas.enable", schemas), false);
            assertThat(json.fromConnectData("fhir.Patient", tombstone.valueSchema(), tombstone.value()))
                    .as("JsonConverter schemas.enable=%s", schemas).isNull();
        }
        org.apache.kafka.connect.storage.StringConverter string = new org.apache.kafka.connect.storage.StringConverter();
        string.configure(Map.of(), false);
        assertThat(string.fromConnectData("fhir.Patient", tombstone.valueSchema(), tombstone.value())).isNull();
        // the key keeps its schema: sinks that need one (JDBC upsert/delete by key) still get it
        assertThat(tombstone.keySchema()).isEqualTo(org.apache.kafka.connect.data.Schema.STRING_SCHEMA);
    }
}
