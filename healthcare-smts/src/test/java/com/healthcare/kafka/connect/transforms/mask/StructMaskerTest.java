package com.healthcare.kafka.connect.transforms.mask;

import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.CLOCK;
import static com.healthcare.kafka.connect.transforms.mask.PhiSamples.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class StructMaskerTest {

    static PhiMasker masker(String profile, String... rules) {
        Map<String, Object> config = new HashMap<>();
        config.put("profile", profile);
        config.put("rules", String.join(",", rules));
        config.put("hash.key", KEY);
        return new PhiMasker(MaskPhiConfig.parse(config), CLOCK);
    }

    static final Schema ADDRESS = SchemaBuilder.struct().name("Address").optional()
            .field("street", Schema.OPTIONAL_STRING_SCHEMA).field("zip", Schema.OPTIONAL_STRING_SCHEMA)
            .field("state", Schema.OPTIONAL_STRING_SCHEMA).build();
    static final Schema CONTACT = SchemaBuilder.struct().name("Contact")
            .field("kind", Schema.STRING_SCHEMA).field("phone", Schema.STRING_SCHEMA).build();
    static final Schema ROW = SchemaBuilder.struct().name("dbserver.dbo.patients.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("patient_name", Schema.STRING_SCHEMA)
            .field("ssn", Schema.STRING_SCHEMA)
            .field("birth_date", org.apache.kafka.connect.data.Date.SCHEMA)
            .field("admitted", Timestamp.builder().optional().build())
            .field("age", Schema.OPTIONAL_INT32_SCHEMA)
            .field("address", ADDRESS)
            .field("contacts", SchemaBuilder.array(CONTACT).optional().build())
            .field("attributes", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional()
                    .build())
            .field("diagnosis", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("dbserver.dbo.patients.Envelope")
            .field("before", ROW).field("after", ROW).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    static Date day(int y, int m, int d) {
        return Date.from(LocalDate.of(y, m, d).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    static Struct row(String name, String ssn) {
        return new Struct(ROW).put("id", 7).put("patient_name", name).put("ssn", ssn)
                .put("birth_date", day(1980, 5, 17)).put("admitted", new Date(1715945400000L)).put("age", 93)
                .put("address", new Struct(ADDRESS).put("street", "123 Main St").put("zip", "62704").put("state", "IL"))
                .put("contacts", List.of(new Struct(CONTACT).put("kind", "home").put("phone", "555-0123"),
                        new Struct(CONTACT).put("kind", "work").put("phone", "555-0199")))
                .put("attributes", Map.of("email", "jane@example.com", "pref", "none"))
                .put("diagnosis", "J45");
    }

    static Struct envelope() {
        return new Struct(ENVELOPE).put("before", row("Jane Doe", "123-45-6789")).put("after", row("Jane Roe",
                "123-45-6789")).put("op", "u").put("ts_ms", 1715945400000L);
    }

    @Test
    void nestedPathsThroughStructsArraysAndMapsUpdateTheSchema() {
        PhiMasker m = masker("none", "patient_name:keep-last:2", "ssn:hash", "address.street:redact",
                "contacts.phone:replace", "attributes.email:redact", "id:hash");
        Struct in = row("Jane Doe", "123-45-6789");
        Struct out = (Struct) m.maskValue(ROW, in, null).value();
        assertThat(out.getString("patient_name")).isEqualTo("***oe");
        assertThat(out.getString("ssn")).isEqualTo(m.functions().hash("123-45-6789"));
        assertThat(out.getStruct("address").get("street")).isNull();
        assertThat(out.getStruct("address").getString("zip")).isEqualTo("62704");
        assertThat(out.<Struct>getArray("contacts")).extracting(c -> c.getString("phone"))
                .containsExactly("[REDACTED]", "[REDACTED]");
        assertThat(out.<Struct>getArray("contacts")).extracting(c -> c.getString("kind")).containsExactly("home",
                "work");
        assertThat(out.getMap("attributes")).containsEntry("pref", "none").containsEntry("email", null);
        assertThat(out.get("id")).isEqualTo(m.functions().hash("7"));
        assertThat(out.schema().field("id").schema().type()).as("hash turns an int into a string")
                .isEqualTo(Schema.Type.STRING);
        assertThat(out.schema().field("address").schema().field("street").schema().isOptional()).isTrue();
        assertThat(out.schema().name()).isEqualTo(ROW.name());
        out.validate();
        Struct again = (Struct) m.maskValue(ROW, row("Jim", "1"), null).value();
        assertThat(again.schema()).as("plans are cached per schema").isSameAs(out.schema());
        assertThat(in.getString("ssn")).as("the input is not modified").isEqualTo("123-45-6789");
    }

    @Test
    void aRuleOnAfterAlsoMasksBeforeInADebeziumEnvelope() {
        PhiMasker m = masker("none", "after.ssn:hash", "patient_name:redact");
        Struct out = (Struct) m.maskValue(ENVELOPE, envelope(), null).value();
        String pseudonym = m.functions().hash("123-45-6789");
        assertThat(out.getStruct("after").getString("ssn")).isEqualTo(pseudonym);
        assertThat(out.getStruct("before").getString("ssn")).isEqualTo(pseudonym);
        assertThat(out.getStruct("after").get("patient_name")).isNull();
        assertThat(out.getStruct("before").get("patient_name")).isNull();
        assertThat(out.getString("op")).isEqualTo("u");
        out.validate();
    }

    @Test
    void safeHarborMasksRecordsByFieldNameAtAnyDepth() {
        PhiMasker m = masker("safe-harbor");
        Struct out = (Struct) m.maskValue(ENVELOPE, envelope(), null).value();
        for (String half : List.of("before", "after")) {
            Struct r = out.getStruct(half);
            assertThat(r.get("patient_name")).isNull();
            assertThat(r.get("ssn")).isNull();
            assertThat(r.get("birth_date")).as("a Date column stays a date: 1 January").isEqualTo(day(1980, 1, 1));
            assertThat(r.getInt32("age")).isEqualTo(90);
            assertThat(r.getStruct("address").get("street")).isNull();
            assertThat(r.getStruct("address").getString("zip")).isEqualTo("627");
            assertThat(r.getStruct("address").getString("state")).isEqualTo("IL");
            assertThat(r.<Struct>getArray("contacts")).extracting(c -> c.get("phone")).containsOnlyNulls();
            assertThat(r.getMap("attributes")).containsEntry("email", null);
            assertThat(r.getString("diagnosis")).isEqualTo("J45");
        }
        out.validate();
    }

    @Test
    void pseudonymizeShiftsDatesOfOnePatientTogether() {
        Map<String, Object> config = new HashMap<>();
        config.put("profile", "pseudonymize");
        config.put("hash.key", KEY);
        config.put("patient.id.path", "after.id");
        PhiMasker m = new PhiMasker(MaskPhiConfig.parse(config), CLOCK);
        Struct out = (Struct) m.maskValue(ENVELOPE, envelope(), null).value();
        int days = m.functions().shiftDays("7");
        LocalDate birth = LocalDate.of(1980, 5, 17).plusDays(days);
        assertThat(out.getStruct("after").get("birth_date"))
                .isEqualTo(day(birth.getYear(), birth.getMonthValue(), birth.getDayOfMonth()));
        assertThat(out.getStruct("before").get("birth_date")).isEqualTo(out.getStruct("after").get("birth_date"));
        assertThat(((Date) out.getStruct("after").get("admitted")).getTime())
                .isEqualTo(1715945400000L + days * 86_400_000L);
        assertThat(out.getStruct("after").getString("patient_name")).as("names are removed, not hashed").isNull();
        assertThat(out.getStruct("after").getString("ssn")).isEqualTo(m.functions().hash("123-45-6789"));
    }

    @Test
    void schemalessMapsAndListsAreMaskedByTheSamePaths() {
        PhiMasker m = masker("none", "after.ssn:redact", "contacts.phone:keep-last:4");
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("ssn", "123-45-6789");
        after.put("contacts", List.of(Map.of("phone", "555-0123")));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("before", Map.of("ssn", "987-65-4321"));
        value.put("after", after);
        value.put("op", "u");
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) m.maskValue(null, value, null).value();
        assertThat(((Map<?, ?>) out.get("after")).get("ssn")).isNull();
        assertThat(((Map<?, ?>) out.get("before")).get("ssn")).isNull();
        assertThat(out.toString()).contains("***0123").doesNotContain("555-0123");
        assertThat(after).containsEntry("ssn", "123-45-6789");
    }

    @Test
    void epochMillisColumnsAreDatesForDateMethods() {
        PhiMasker m = masker("none", "ts_ms:year");
        Struct out = (Struct) m.maskValue(ENVELOPE, envelope(), null).value();
        assertThat(out.getInt64("ts_ms")).isEqualTo(LocalDate.of(2024, 1, 1).atStartOfDay(ZoneOffset.UTC)
                .toInstant().toEpochMilli());
    }
}
