package com.healthcare.kafka.connect.fhir.sink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class WritePlannerTest {

    private static final String PATIENT_ID = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":true}";
    private static final String PATIENT_MRN = "{\"resourceType\":\"Patient\",\"identifier\":[{\"value\":\"nosystem\"},"
            + "{\"system\":\"urn:mrn\",\"value\":\"123\"},{\"system\":\"urn:ssn\",\"value\":\"9\"}]}";

    private static SinkRecord record(Object key, Object value) {
        return new SinkRecord("fhir.in", 0, null, key, null, value, 7);
    }

    private final WritePlanner plain = new WritePlanner("none", null, true);

    @Test
    void aResourceWithAnIdIsPutAsItIs() {
        Write w = plain.plan(record("k", PATIENT_ID));
        assertThat(w.kind()).isEqualTo(Write.Kind.UPDATE);
        assertThat(w.url()).isEqualTo("Patient/p1");
        assertThat(new String(w.body(), StandardCharsets.UTF_8)).isEqualTo(PATIENT_ID);
        assertThat(w.laneKey()).isEqualTo("key:k");
        assertThat(plain.plan(record("k", PATIENT_ID.getBytes(StandardCharsets.UTF_8))).kind())
                .isEqualTo(Write.Kind.UPDATE);
    }

    @Test
    void withoutAnIdItIsCreatedOrConditionallyWrittenOnItsIdentifier() {
        assertThat(plain.plan(record("k", PATIENT_MRN)).kind()).isEqualTo(Write.Kind.CREATE);

        Write create = new WritePlanner("create", null, true).plan(record("k", PATIENT_MRN));
        assertThat(create.kind()).isEqualTo(Write.Kind.CONDITIONAL_CREATE);
        assertThat(create.url()).isEqualTo("Patient");
        assertThat(create.headers()).containsEntry("If-None-Exist", "identifier=urn%3Amrn%7C123");

        Write update = new WritePlanner("update", "urn:ssn", true).plan(record("k", PATIENT_MRN));
        assertThat(update.kind()).isEqualTo(Write.Kind.CONDITIONAL_UPDATE);
        assertThat(update.url()).isEqualTo("Patient?identifier=urn%3Assn%7C9");
        assertThat(update.kind().method()).isEqualTo("PUT");

        // no identifier of the configured system: a plain create, never a guess
        assertThat(new WritePlanner("update", "urn:other", true).plan(record("k", PATIENT_MRN)).kind())
                .isEqualTo(Write.Kind.CREATE);
    }

    @Test
    void transactionAndBatchBundlesArePostedAsTheyAre() {
        String tx = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]}";
        Write w = plain.plan(record("k", tx));
        assertThat(w.kind()).isEqualTo(Write.Kind.BUNDLE);
        assertThat(w.url()).isEmpty();
        assertThat(w.body()).isEqualTo(tx.getBytes(StandardCharsets.UTF_8));
        assertThat(w.groupable()).isFalse();
    }

    @Test
    void mapsAndStructsAreWrittenBackAsJsonWithoutNulls() {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("resourceType", "Observation");
        map.put("id", "o1");
        map.put("note", null);
        map.put("code", Map.of("text", "HR"));
        assertThat(new String(plain.plan(record(null, map)).body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"code\":{\"text\":\"HR\"}}");

        Schema schema = SchemaBuilder.struct().field("resourceType", Schema.STRING_SCHEMA)
                .field("id", Schema.OPTIONAL_STRING_SCHEMA).field("status", Schema.OPTIONAL_STRING_SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build()).build();
        Struct struct = new Struct(schema).put("resourceType", "Encounter").put("id", "e1")
                .put("tags", List.of("a"));
        Write w = plain.plan(record(null, struct));
        assertThat(new String(w.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"tags\":[\"a\"]}");
        assertThat(w.laneKey()).isEqualTo("partition:fhir.in-0");
    }

    @Test
    void tombstonesDeleteTheResourceTheirKeyNames() {
        Write delete = plain.plan(record("Patient/p1", null));
        assertThat(delete.kind()).isEqualTo(Write.Kind.DELETE);
        assertThat(delete.url()).isEqualTo("Patient/p1");
        assertThat(new WritePlanner("none", null, false).plan(record("Patient/p1", null)).kind())
                .isEqualTo(Write.Kind.SKIP);
        assertThatThrownBy(() -> plain.plan(record("12345", null))).isInstanceOf(RejectedRecordException.class)
                .hasMessageContaining("'Type/id'");
    }

    @Test
    void anythingElseIsARejectedRecordWithAReadableReason() {
        assertThatThrownBy(() -> plain.plan(record("k", "MSH|^~\\&|secret")))
                .isInstanceOf(RejectedRecordException.class).hasMessageContaining("not JSON")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> plain.plan(record("k", "[1,2]"))).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> plain.plan(record("k", "{\"a\":1}"))).hasMessageContaining("resourceType");
        assertThatThrownBy(() -> plain.plan(record("k", "{\"resourceType\":\"Patient\"} {}")))
                .isInstanceOf(RejectedRecordException.class);
        assertThatThrownBy(() -> plain.plan(record("k", "{\"resourceType\":\"Bundle\",\"type\":\"message\"}")))
                .hasMessageContaining("message Bundle");
        assertThatThrownBy(() -> plain.plan(record("k", "{\"resourceType\":\"Patient\",\"id\":\"a b\"}")))
                .hasMessageContaining("invalid id");
        assertThatThrownBy(() -> plain.plan(record("k", 42))).hasMessageContaining("Integer");
    }
}
