package com.healthcare.kafka.connect.transforms.facility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.InsertField;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.transforms.FacilityMetadata;

class FacilityMetadataTest {

    static final Schema ROW = SchemaBuilder.struct().name("cm.ClinicMasterMOH.dbo.Visits.Value").version(3)
            .doc("a visit row").parameter("origin", "debezium")
            .field("id", Schema.INT32_SCHEMA)
            .field("patient_name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ward", SchemaBuilder.string().optional().defaultValue("OPD").build())
            .build();
    static final Schema ROW_KEY = SchemaBuilder.struct().name("cm.ClinicMasterMOH.dbo.Visits.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.sqlserver.Source")
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("cm.ClinicMasterMOH.dbo.Visits.Envelope").version(2)
            .doc("envelope doc")
            .field("before", SchemaBuilder.struct().name(ROW.name()).version(3).doc("a visit row")
                    .parameter("origin", "debezium").optional()
                    .field("id", Schema.INT32_SCHEMA)
                    .field("patient_name", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("ward", SchemaBuilder.string().optional().defaultValue("OPD").build())
                    .build())
            .field("after", SchemaBuilder.struct().name(ROW.name()).version(3).doc("a visit row")
                    .parameter("origin", "debezium").optional()
                    .field("id", Schema.INT32_SCHEMA)
                    .field("patient_name", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("ward", SchemaBuilder.string().optional().defaultValue("OPD").build())
                    .build())
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    static FacilityMetadata<SourceRecord> transform(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("facility.code", "12345");
        props.put("facility.name", "Kayunga Hospital");
        props.putAll(extra);
        FacilityMetadata<SourceRecord> smt = new FacilityMetadata<>();
        smt.configure(props);
        return smt;
    }

    static SourceRecord record(Schema keySchema, Object key, Schema valueSchema, Object value) {
        return new SourceRecord(Map.of("db", "a"), Map.of("lsn", 1L), "cm.ClinicMasterMOH.dbo.Visits", 0,
                keySchema, key, valueSchema, value, 1_700_000_000_000L);
    }

    static Struct row(int id, String name, String ward) {
        return new Struct(ROW).put("id", id).put("patient_name", name).put("ward", ward);
    }

    @Nested
    class Configuration {

        @Test
        void facilityCodeIsRequired() {
            FacilityMetadata<SourceRecord> smt = new FacilityMetadata<>();
            assertThatThrownBy(() -> smt.configure(Map.of("facility.name", "x")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("facility.code");
        }

        @Test
        void blankFacilityCodeIsRejectedByTheConfigDef() {
            assertThat(FacilityMetadata.CONFIG_DEF.validate(Map.of("facility.code", "  ")).stream()
                    .filter(v -> v.name().equals("facility.code")).findFirst().orElseThrow().errorMessages())
                    .singleElement().asString().contains("must not be empty");
        }

        @Test
        void defaultsAreTheDocumentedOnes() {
            FacilityMetadataConfig config = new FacilityMetadataConfig(Map.of("facility.code", "C1"));
            assertThat(config.codeField()).isEqualTo("facility_code");
            assertThat(config.nameField()).isEqualTo("facility_name");
            assertThat(config.keyIdField()).isEqualTo("id");
            assertThat(config.stampKey()).isTrue();
            assertThat(config.headersEnabled()).isFalse();
            assertThat(config.name()).isNull();
        }

        @Test
        void unknownKeyModeIsRejected() {
            assertThatThrownBy(() -> new FacilityMetadataConfig(Map.of("facility.code", "C1", "key.mode", "hash")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("key.mode");
            assertThat(new FacilityMetadataConfig(Map.of("facility.code", "C1", "key.mode", "NONE")).stampKey())
                    .isFalse();
        }

        @Test
        void codeAndNameFieldsMustDiffer() {
            assertThatThrownBy(() -> new FacilityMetadataConfig(Map.of("facility.code", "C1", "facility.name", "N",
                    "facility.code.field", "f", "facility.name.field", "f")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("facility.name.field")
                    .hasMessageContaining("facility.code.field");
        }

        @Test
        void keyIdFieldMustDifferFromTheCodeField() {
            assertThatThrownBy(() -> new FacilityMetadataConfig(Map.of("facility.code", "C1",
                    "key.id.field", "facility_code")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("key.id.field");
        }

        @Test
        void blankFieldNamesAreRejected() {
            assertThatThrownBy(() -> new FacilityMetadataConfig(Map.of("facility.code", "C1",
                    "facility.code.field", " ")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("facility.code.field");
            assertThat(new FacilityMetadataConfig(Map.of("facility.code", "C1", "facility.name.field", " name "))
                    .nameField()).as("ConfigDef trims strings").isEqualTo("name");
        }
    }

    @Nested
    class Keys {

        @Test
        void structKeyGainsTheCodeAndKeepsItsSchemaIdentity() {
            SourceRecord out = transform(Map.of()).apply(record(ROW_KEY, new Struct(ROW_KEY).put("id", 7), ROW,
                    row(7, "A", "ER")));
            assertThat(out.keySchema().name()).isEqualTo(ROW_KEY.name());
            assertThat(out.keySchema().fields()).extracting(Field::name).containsExactly("id", "facility_code");
            assertThat(out.keySchema().field("facility_code").schema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
            Struct key = (Struct) out.key();
            assertThat(key.get("id")).isEqualTo(7);
            assertThat(key.get("facility_code")).isEqualTo("12345");
            assertThat(key.schema().field("facility_name")).as("the name never goes into the key").isNull();
        }

        @Test
        void primitiveKeyWithSchemaBecomesAStructOfIdAndCode() {
            SourceRecord out = transform(Map.of()).apply(record(Schema.INT64_SCHEMA, 42L, ROW, row(42, "A", "ER")));
            assertThat(out.keySchema().type()).isEqualTo(Schema.Type.STRUCT);
            assertThat(out.keySchema().fields()).extracting(Field::name).containsExactly("id", "facility_code");
            assertThat(out.keySchema().field("id").schema()).isEqualTo(Schema.INT64_SCHEMA);
            assertThat(((Struct) out.key()).get("id")).isEqualTo(42L);
            assertThat(((Struct) out.key()).get("facility_code")).isEqualTo("12345");
        }

        @Test
        void wrappedPrimitiveKeyKeepsItsLogicalTypeAndTheConfiguredIdField() {
            Schema decimal = Decimal.schema(2);
            SourceRecord out = transform(Map.of("key.id.field", "visit_no", "facility.code.field",
                    "facility_dhis2_code")).apply(record(decimal, new BigDecimal("10.50"), null, null));
            Struct key = (Struct) out.key();
            assertThat(key.schema().field("visit_no").schema()).isEqualTo(decimal);
            assertThat(key.get("visit_no")).isEqualTo(new BigDecimal("10.50"));
            assertThat(key.get("facility_dhis2_code")).isEqualTo("12345");
        }

        @Test
        void schemalessPrimitiveKeyBecomesAMap() {
            SourceRecord out = transform(Map.of()).apply(record(null, "V-1", null, Map.of("id", "V-1")));
            assertThat(out.keySchema()).isNull();
            assertThat(out.key()).isEqualTo(Map.of("id", "V-1", "facility_code", "12345"));
        }

        @Test
        void mapKeyGainsTheEntryWithoutChangingTheOriginal() {
            Map<String, Object> original = new HashMap<>(Map.of("id", 3, "site", "x"));
            SourceRecord out = transform(Map.of()).apply(record(null, original, null, Map.of("id", 3)));
            assertThat(out.key()).isEqualTo(Map.of("id", 3, "site", "x", "facility_code", "12345"));
            assertThat(original).doesNotContainKey("facility_code");
        }

        @Test
        void keyModeNoneLeavesTheKeyAlone() {
            Struct key = new Struct(ROW_KEY).put("id", 7);
            SourceRecord out = transform(Map.of("key.mode", "none")).apply(record(ROW_KEY, key, ROW,
                    row(7, "A", "ER")));
            assertThat(out.key()).isSameAs(key);
            assertThat(out.keySchema()).isSameAs(ROW_KEY);
            assertThat(((Struct) out.value()).get("facility_code")).isEqualTo("12345");
        }

        @Test
        void nullKeyStaysNull() {
            SourceRecord out = transform(Map.of()).apply(record(null, null, ROW, row(1, "A", "ER")));
            assertThat(out.key()).isNull();
        }

        @Test
        void stringToStringMapKeyWithSchemaGainsTheEntry() {
            Schema mapSchema = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build();
            SourceRecord out = transform(Map.of()).apply(record(mapSchema, Map.of("id", "9"), ROW,
                    row(9, "A", "B")));
            assertThat(out.keySchema()).isSameAs(mapSchema);
            assertThat(out.key()).isEqualTo(Map.of("id", "9", "facility_code", "12345"));
        }

        @Test
        void aMapKeySchemaThatCannotHoldAStringIsAClearError() {
            Schema mapSchema = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build();
            assertThatThrownBy(() -> transform(Map.of()).apply(record(mapSchema, Map.of("id", 9), ROW,
                    row(9, "A", "B"))))
                    .isInstanceOf(DataException.class).hasMessageContaining("strings to strings");
        }

        @Test
        void arrayKeyIsAClearError() {
            Schema array = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
            assertThatThrownBy(() -> transform(Map.of()).apply(record(array, List.of(1), ROW, row(1, "A", "ER"))))
                    .isInstanceOf(DataException.class).hasMessageContaining("ARRAY key");
        }
    }

    @Nested
    class Values {

        @Test
        void flatStructGainsCodeAndNameAndKeepsSchemaNameVersionDocAndParameters() {
            SourceRecord out = transform(Map.of()).apply(record(ROW_KEY, new Struct(ROW_KEY).put("id", 1), ROW,
                    row(1, "Jane", "ER")));
            Schema schema = out.valueSchema();
            assertThat(schema.name()).isEqualTo(ROW.name());
            assertThat(schema.version()).isEqualTo(3);
            assertThat(schema.doc()).isEqualTo("a visit row");
            assertThat(schema.parameters()).containsEntry("origin", "debezium");
            assertThat(schema.fields()).extracting(Field::name)
                    .containsExactly("id", "patient_name", "ward", "facility_code", "facility_name");
            assertThat(schema.field("facility_code").schema().isOptional()).isTrue();
            assertThat(schema.field("facility_name").schema().isOptional()).isTrue();
            Struct value = (Struct) out.value();
            value.validate();
            assertThat(value.get("id")).isEqualTo(1);
            assertThat(value.get("patient_name")).isEqualTo("Jane");
            assertThat(value.get("ward")).isEqualTo("ER");
            assertThat(value.get("facility_code")).isEqualTo("12345");
            assertThat(value.get("facility_name")).isEqualTo("Kayunga Hospital");
        }

        @Test
        void aNullColumnWithASchemaDefaultStaysNull() {
            SourceRecord out = transform(Map.of()).apply(record(null, null, ROW, row(1, null, null)));
            assertThat(((Struct) out.value()).getWithoutDefault("ward")).isNull();
        }

        @Test
        void withoutAFacilityNameOnlyTheCodeIsAdded() {
            FacilityMetadata<SourceRecord> smt = new FacilityMetadata<>();
            smt.configure(Map.of("facility.code", "C9"));
            SourceRecord out = smt.apply(record(null, null, ROW, row(1, "A", "ER")));
            assertThat(out.valueSchema().fields()).extracting(Field::name)
                    .containsExactly("id", "patient_name", "ward", "facility_code");
        }

        @Test
        void debeziumEnvelopeIsStampedInBeforeAndAfterOnly() {
            Struct before = new Struct(ENVELOPE.field("before").schema()).put("id", 5).put("patient_name", "Old")
                    .put("ward", "ER");
            Struct after = new Struct(ENVELOPE.field("after").schema()).put("id", 5).put("patient_name", "New")
                    .put("ward", "ICU");
            Struct source = new Struct(SOURCE).put("db", "ClinicMasterMOH").put("table", "Visits");
            Struct envelope = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source)
                    .put("op", "u").put("ts_ms", 123L);

            SourceRecord out = transform(Map.of("facility.code.field", "facility_dhis2_code")).apply(
                    record(ROW_KEY, new Struct(ROW_KEY).put("id", 5), ENVELOPE, envelope));

            Schema schema = out.valueSchema();
            assertThat(schema.name()).isEqualTo(ENVELOPE.name());
            assertThat(schema.version()).isEqualTo(2);
            assertThat(schema.doc()).isEqualTo("envelope doc");
            assertThat(schema.fields()).extracting(Field::name)
                    .containsExactly("before", "after", "source", "op", "ts_ms");
            assertThat(schema.field("before").schema()).as("before and after share one derived schema")
                    .isSameAs(schema.field("after").schema());
            assertThat(schema.field("after").schema().isOptional()).isTrue();
            assertThat(schema.field("after").schema().name()).isEqualTo(ROW.name());
            assertThat(schema.field("source").schema()).isSameAs(SOURCE);

            Struct value = (Struct) out.value();
            value.validate();
            assertThat(value.getStruct("before").get("patient_name")).isEqualTo("Old");
            assertThat(value.getStruct("before").get("facility_dhis2_code")).isEqualTo("12345");
            assertThat(value.getStruct("after").get("patient_name")).isEqualTo("New");
            assertThat(value.getStruct("after").get("facility_dhis2_code")).isEqualTo("12345");
            assertThat(value.getStruct("after").get("facility_name")).isEqualTo("Kayunga Hospital");
            assertThat(value.get("source")).isSameAs(source);
            assertThat(value.get("op")).isEqualTo("u");
            assertThat(value.get("ts_ms")).isEqualTo(123L);
            assertThat(((Struct) out.key()).get("facility_dhis2_code")).isEqualTo("12345");
        }

        @Test
        void envelopeOfAnInsertKeepsANullBeforeAndOfADeleteANullAfter() {
            FacilityMetadata<SourceRecord> smt = transform(Map.of());
            Struct row = new Struct(ENVELOPE.field("after").schema()).put("id", 5).put("ward", "ER");
            Struct source = new Struct(SOURCE).put("db", "d").put("table", "t");
            Struct insert = new Struct(ENVELOPE).put("after", row).put("source", source).put("op", "c");
            Struct delete = new Struct(ENVELOPE).put("before", row).put("source", source).put("op", "d");

            Struct inserted = (Struct) smt.apply(record(null, null, ENVELOPE, insert)).value();
            Struct deleted = (Struct) smt.apply(record(null, null, ENVELOPE, delete)).value();

            assertThat(inserted.get("before")).isNull();
            assertThat(inserted.getStruct("after").get("facility_code")).isEqualTo("12345");
            assertThat(deleted.get("after")).isNull();
            assertThat(deleted.getStruct("before").get("facility_code")).isEqualTo("12345");
            assertThat(deleted.get("op")).isEqualTo("d");
        }

        @Test
        void tombstoneKeepsItsNullValueAndGetsTheStampedKey() {
            SourceRecord tombstone = record(ROW_KEY, new Struct(ROW_KEY).put("id", 9), ROW, null);
            SourceRecord out = transform(Map.of()).apply(tombstone);
            assertThat(out.value()).isNull();
            assertThat(out.valueSchema()).isSameAs(ROW);
            assertThat(((Struct) out.key()).get("id")).isEqualTo(9);
            assertThat(((Struct) out.key()).get("facility_code")).isEqualTo("12345");
        }

        @Test
        void schemalessTombstoneStaysATombstone() {
            SourceRecord out = transform(Map.of()).apply(record(null, Map.of("id", 9), null, null));
            assertThat(out.value()).isNull();
            assertThat(out.valueSchema()).isNull();
            assertThat(out.key()).isEqualTo(Map.of("id", 9, "facility_code", "12345"));
        }

        @Test
        void schemalessFlatMapGainsCodeAndNameWithoutChangingTheOriginal() {
            Map<String, Object> original = new HashMap<>(Map.of("id", 1, "ward", "ER"));
            SourceRecord out = transform(Map.of()).apply(record(null, null, null, original));
            assertThat(out.value()).isEqualTo(Map.of("id", 1, "ward", "ER", "facility_code", "12345",
                    "facility_name", "Kayunga Hospital"));
            assertThat(original).hasSize(2);
        }

        @Test
        void schemalessEnvelopeIsStampedInBeforeAndAfter() {
            Map<String, Object> envelope = new HashMap<>();
            envelope.put("before", null);
            envelope.put("after", Map.of("id", 1));
            envelope.put("source", Map.of("db", "d"));
            envelope.put("op", "c");
            envelope.put("ts_ms", 5L);
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) transform(Map.of())
                    .apply(record(null, null, null, envelope)).value();
            assertThat(out.get("before")).isNull();
            assertThat(out.get("after")).isEqualTo(Map.of("id", 1, "facility_code", "12345",
                    "facility_name", "Kayunga Hospital"));
            assertThat(out.get("source")).isEqualTo(Map.of("db", "d"));
            assertThat(out).containsEntry("op", "c").containsEntry("ts_ms", 5L).doesNotContainKey("facility_code");
        }

        @Test
        void anExistingStringCodeColumnIsOverwrittenByTheStamp() {
            Schema withCode = SchemaBuilder.struct().name("t.Value").field("id", Schema.INT32_SCHEMA)
                    .field("facility_code", Schema.STRING_SCHEMA).build();
            SourceRecord out = transform(Map.of()).apply(record(null, null, withCode,
                    new Struct(withCode).put("id", 1).put("facility_code", "spoofed")));
            assertThat(out.valueSchema().fields()).extracting(Field::name)
                    .containsExactly("id", "facility_code", "facility_name");
            assertThat(((Struct) out.value()).get("facility_code")).isEqualTo("12345");
        }

        @Test
        void anExistingNonStringCodeColumnIsAClearErrorWithoutValues() {
            Schema withCode = SchemaBuilder.struct().name("t.Value").field("facility_code", Schema.INT32_SCHEMA)
                    .build();
            assertThatThrownBy(() -> transform(Map.of()).apply(record(null, null, withCode,
                    new Struct(withCode).put("facility_code", 424242))))
                    .isInstanceOf(DataException.class).hasMessageContaining("facility_code")
                    .hasMessageContaining("INT32").hasMessageNotContaining("424242");
        }

        @Test
        void aSchemalessStringValueIsAClearErrorWithoutTheValue() {
            assertThatThrownBy(() -> transform(Map.of()).apply(record(null, null, null, "MSH|^~\\&|secret")))
                    .isInstanceOf(DataException.class).hasMessageContaining("String")
                    .hasMessageNotContaining("secret");
        }

        @Test
        void aPrimitiveValueSchemaIsAClearError() {
            assertThatThrownBy(() -> transform(Map.of()).apply(record(null, null, Schema.STRING_SCHEMA, "x")))
                    .isInstanceOf(DataException.class).hasMessageContaining("STRING");
        }
    }

    @Nested
    class Caching {

        @Test
        void recordsOfOneSchemaShareOneDerivedSchemaInstance() {
            FacilityMetadata<SourceRecord> smt = transform(Map.of());
            SourceRecord first = smt.apply(record(ROW_KEY, new Struct(ROW_KEY).put("id", 1), ROW, row(1, "A", "B")));
            for (int i = 2; i < 100; i++) {
                SourceRecord next = smt.apply(record(ROW_KEY, new Struct(ROW_KEY).put("id", i), ROW,
                        row(i, "A", "B")));
                assertThat(next.valueSchema()).isSameAs(first.valueSchema());
                assertThat(next.keySchema()).isSameAs(first.keySchema());
            }
        }

        @Test
        void anEqualSchemaRebuiltByAConverterHitsTheSameCacheEntry() {
            FacilityMetadata<SourceRecord> smt = transform(Map.of());
            Schema copy = SchemaBuilder.struct().name(ROW.name()).version(3).doc("a visit row")
                    .parameter("origin", "debezium")
                    .field("id", Schema.INT32_SCHEMA)
                    .field("patient_name", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("ward", SchemaBuilder.string().optional().defaultValue("OPD").build())
                    .build();
            assertThat(copy).isEqualTo(ROW).isNotSameAs(ROW);
            Schema a = smt.apply(record(null, null, ROW, row(1, "A", "B"))).valueSchema();
            Schema b = smt.apply(record(null, null, copy, new Struct(copy).put("id", 2))).valueSchema();
            assertThat(b).isSameAs(a);
        }

        @Test
        void theCacheIsBounded() {
            FacilityStamper stamper = new FacilityStamper(new FacilityMetadataConfig(Map.of("facility.code", "C")));
            for (int i = 0; i < DerivedCache.SIZE * 2; i++) {
                Schema schema = SchemaBuilder.struct().name("t" + i).field("id", Schema.INT32_SCHEMA).build();
                stamper.value(schema, new Struct(schema).put("id", i));
            }
            assertThat(stamper.cachedSchemas()).isEqualTo(DerivedCache.SIZE);
        }

        @Test
        void aChangedSourceSchemaGetsItsOwnDerivedSchema() {
            FacilityMetadata<SourceRecord> smt = transform(Map.of());
            Schema evolved = SchemaBuilder.struct().name(ROW.name()).version(3).doc("a visit row")
                    .parameter("origin", "debezium")
                    .field("id", Schema.INT32_SCHEMA)
                    .field("patient_name", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("ward", SchemaBuilder.string().optional().defaultValue("OPD").build())
                    .field("triage", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();
            Schema before = smt.apply(record(null, null, ROW, row(1, "A", "B"))).valueSchema();
            SourceRecord after = smt.apply(record(null, null, evolved,
                    new Struct(evolved).put("id", 2).put("triage", "red")));
            assertThat(after.valueSchema()).isNotEqualTo(before);
            assertThat(after.valueSchema().fields()).extracting(Field::name)
                    .containsExactly("id", "patient_name", "ward", "triage", "facility_code", "facility_name");
            assertThat(((Struct) after.value()).get("triage")).isEqualTo("red");
        }
    }

    @Nested
    class HeadersAndRecords {

        @Test
        void headersAreAddedOnlyWhenEnabledAndReplaceEarlierOnes() {
            SourceRecord in = record(null, null, ROW, row(1, "A", "B"));
            in.headers().addString("facility_code", "stale");
            SourceRecord plain = transform(Map.of()).apply(in);
            assertThat(plain.headers().allWithName("facility_code")).toIterable().extracting(Header::value)
                    .containsExactly("stale");

            SourceRecord out = transform(Map.of("facility.headers.enabled", "true")).apply(in);
            assertThat(out.headers().allWithName("facility_code")).toIterable().extracting(Header::value)
                    .containsExactly("12345");
            assertThat(out.headers().lastWithName("facility_name").value()).isEqualTo("Kayunga Hospital");
            assertThat(in.headers().allWithName("facility_code")).toIterable().extracting(Header::value)
                    .as("the input record's headers are untouched").containsExactly("stale");
        }

        @Test
        void withoutANameOnlyTheCodeHeaderIsAdded() {
            FacilityMetadata<SourceRecord> smt = new FacilityMetadata<>();
            smt.configure(Map.of("facility.code", "C7", "facility.headers.enabled", "true"));
            SourceRecord out = smt.apply(record(null, null, ROW, row(1, "A", "B")));
            assertThat(out.headers().lastWithName("facility_code").value()).isEqualTo("C7");
            assertThat(out.headers().lastWithName("facility_name")).isNull();
        }

        @Test
        void sinkRecordsKeepTopicPartitionOffsetAndTimestamp() {
            FacilityMetadata<SinkRecord> smt = new FacilityMetadata<>();
            smt.configure(Map.of("facility.code", "C"));
            SinkRecord in = new SinkRecord("t", 3, ROW_KEY, new Struct(ROW_KEY).put("id", 1), ROW,
                    row(1, "A", "B"), 77L, 99L, org.apache.kafka.common.record.TimestampType.CREATE_TIME);
            SinkRecord out = smt.apply(in);
            assertThat(out.topic()).isEqualTo("t");
            assertThat(out.kafkaPartition()).isEqualTo(3);
            assertThat(out.kafkaOffset()).isEqualTo(77L);
            assertThat(out.timestamp()).isEqualTo(99L);
        }

        @Test
        void versionComesFromTheBuild() {
            assertThat(new FacilityMetadata<SourceRecord>().version()).isNotBlank().doesNotContain("${");
        }
    }

    /** The point of the transform: the seed's chain of three InsertField transforms, in one step, same output. */
    @Test
    void producesWhatTheSeedsThreeInsertFieldTransformsProduce() {
        Transformation<SourceRecord> codeValue = insertField(new InsertField.Value<>(), "facility_dhis2_code",
                "12345");
        Transformation<SourceRecord> nameValue = insertField(new InsertField.Value<>(), "facility_name",
                "Kayunga Hospital");
        Transformation<SourceRecord> codeKey = insertField(new InsertField.Key<>(), "facility_dhis2_code", "12345");
        FacilityMetadata<SourceRecord> smt = transform(Map.of("facility.code.field", "facility_dhis2_code"));

        SourceRecord in = record(ROW_KEY, new Struct(ROW_KEY).put("id", 123), ROW, row(123, "Test Patient", "ER"));
        SourceRecord chained = codeKey.apply(nameValue.apply(codeValue.apply(in)));
        SourceRecord ours = smt.apply(in);

        assertThat(ours.keySchema()).isEqualTo(chained.keySchema());
        assertThat(ours.key()).isEqualTo(chained.key());
        assertThat(ours.valueSchema()).isEqualTo(chained.valueSchema());
        assertThat(ours.value()).isEqualTo(chained.value());
    }

    static Transformation<SourceRecord> insertField(Transformation<SourceRecord> t, String field, String value) {
        t.configure(Map.of("static.field", field, "static.value", value));
        return t;
    }
}
