package com.healthcare.kafka.connect.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FhirResourceExtractorTest {

    static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":{\"versionId\":\"2\"},"
            + "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
            + "\"valueQuantity\":{\"value\":72,\"unit\":\"/min\"},\"component\":[{\"code\":{\"text\":\"a\"},"
            + "\"valueInteger\":3},{\"code\":{\"text\":\"b\"},\"valueString\":\"x\"}]}";
    static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"family\":\"Müller\"}],"
            + "\"extension\":[{\"url\":\"u\",\"valueDecimal\":1.50}]}";

    private final FhirResourceExtractor<SourceRecord> smt = new FhirResourceExtractor<>();

    @AfterEach
    void close() {
        smt.close();
    }

    private SourceRecord apply(Map<String, String> config, Object value) {
        smt.configure(config);
        return smt.apply(new SourceRecord(null, null, "in", null, Schema.OPTIONAL_STRING_SCHEMA, "k",
                value instanceof String ? Schema.OPTIONAL_STRING_SCHEMA : null, value));
    }

    static String bundle(String... resources) {
        StringBuilder sb = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < resources.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"urn:uuid:").append(i).append("\",\"resource\":")
                    .append(resources[i]).append(",\"request\":{\"method\":\"POST\"}}");
        }
        return sb.append("]}").toString();
    }

    @Test
    void aResourceKeepsItsJsonAndGetsAReferenceKey() {
        SourceRecord out = apply(Map.of(), PATIENT);
        assertThat(out.value()).isSameAs(PATIENT);
        assertThat(out.key()).isEqualTo("Patient/p1");
        assertThat(out.topic()).isEqualTo("in");
        assertThat(out.headers().lastWithName("fhir.resource.type").value()).isEqualTo("Patient");
    }

    @Test
    void aSingleEntryBundleGivesItsResourceVerbatim() {
        SourceRecord out = apply(Map.of("topic.format", "fhir.${resourceType}", "key.format", "id"),
                bundle(PATIENT).getBytes(StandardCharsets.UTF_8));
        assertThat(out.value()).isEqualTo(PATIENT);
        assertThat(out.key()).isEqualTo("p1");
        assertThat(out.topic()).isEqualTo("fhir.Patient");
    }

    @Test
    void aSelectedEntryOfAMultiEntryBundle() {
        String b = bundle(PATIENT, OBSERVATION);
        assertThat(apply(Map.of("bundle.entry.type", "Observation"), b).value()).isEqualTo(OBSERVATION);
        assertThat(apply(Map.of("bundle.entry.index", "0"), b).value()).isEqualTo(PATIENT);
        SourceRecord out = apply(Map.of("bundle.entry.index", "5"), b);
        assertThat(out.topic()).isEqualTo("fhir.extractor.errors");
        assertThat(out.headers().lastWithName("fhir.extractor.error").value().toString()).contains("out of range");
    }

    @Test
    void aMultiEntryBundleGoesToTheErrorTopicOrPassesThrough() {
        String b = bundle(PATIENT, OBSERVATION);
        SourceRecord error = apply(Map.of("error.topic", "bad.fhir"), b);
        assertThat(error.topic()).isEqualTo("bad.fhir");
        assertThat(error.value()).isSameAs(b);
        assertThat(error.key()).isEqualTo("k");
        assertThat(error.headers().lastWithName("fhir.extractor.error").value().toString())
                .contains("2 candidate entries");
        assertThat(error.headers().lastWithName("fhir.extractor.original.topic").value()).isEqualTo("in");
        SourceRecord passed = apply(Map.of("bundle.multiple.entries", "passthrough"), b);
        assertThat(passed.topic()).isEqualTo("in");
        assertThat(passed.value()).isSameAs(b);
    }

    @Test
    void notFhirGoesToTheErrorTopicAndTombstonesPassThrough() {
        assertThat(apply(Map.of(), "not json").topic()).isEqualTo("fhir.extractor.errors");
        assertThat(apply(Map.of(), "{\"a\":1}").headers().lastWithName("fhir.extractor.error").value().toString())
                .contains("no resourceType");
        SourceRecord tombstone = apply(Map.of(), null);
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.topic()).isEqualTo("in");
    }

    @Test
    void mapOutputIsSchemaless() {
        SourceRecord out = apply(Map.of("output.format", "map"), PATIENT);
        assertThat(out.valueSchema()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) out.value();
        assertThat(map).containsEntry("id", "p1");
        assertThat(((List<?>) map.get("name"))).hasSize(1);
        Map<String, Object> schemaless = new HashMap<>(map);
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), false);
        assertThat(new String(converter.fromConnectData("t", null, schemaless), StandardCharsets.UTF_8))
                .contains("\"valueDecimal\":1.5");
    }

    @Test
    void structOutputTypesNumbersFromTheFhirDefinitions() {
        SourceRecord out = apply(Map.of("output.format", "struct"), OBSERVATION);
        Struct s = (Struct) out.value();
        Schema schema = out.valueSchema();
        assertThat(schema.name()).isEqualTo("fhir.Observation");
        assertThat(schema.fields().get(0).name()).isEqualTo("resourceType");
        assertThat(schema.fields().get(1).name()).isEqualTo("id");
        // 72 is written as an integer but Quantity.value is a decimal
        assertThat(schema.field("valueQuantity").schema().field("value").schema().type()).isEqualTo(Schema.Type.FLOAT64);
        assertThat(s.getStruct("valueQuantity").getFloat64("value")).isEqualTo(72.0);
        // component entries are merged: valueInteger (INT32 by definition) and valueString both appear
        Schema component = schema.field("component").schema().valueSchema();
        assertThat(component.field("valueInteger").schema().type()).isEqualTo(Schema.Type.INT32);
        assertThat(component.field("valueString").schema().type()).isEqualTo(Schema.Type.STRING);
        List<Struct> components = s.getArray("component");
        assertThat(components.get(0).getInt32("valueInteger")).isEqualTo(3);
        assertThat(components.get(1).getInt32("valueInteger")).isNull();
        s.validate();
        // the same shape reuses the cached schema instance
        SourceRecord again = smt.apply(new SourceRecord(null, null, "in", null, null, "k", null,
                OBSERVATION.replace("o1", "o2")));
        assertThat(again.valueSchema()).isSameAs(schema);
        // and the JSON converter with schemas can write it (as a JDBC or Avro sink would need)
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        assertThat(new String(converter.fromConnectData("t", schema, s), StandardCharsets.UTF_8))
                .contains("\"schema\"", "\"8867-4\"");
    }

    @Test
    void invalidConfigIsRefused() {
        assertThatThrownBy(() -> smt.configure(Map.of("output.format", "xml"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> smt.configure(Map.of("error.topic", " "))).isInstanceOf(ConfigException.class);
    }
}
