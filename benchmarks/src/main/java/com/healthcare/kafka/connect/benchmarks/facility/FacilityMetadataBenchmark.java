package com.healthcare.kafka.connect.benchmarks.facility;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.InsertField;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.healthcare.kafka.connect.transforms.FacilityMetadata;

/**
 * FacilityMetadata against seed 002's chain of three InsertField transforms (code into value, name into value,
 * code into key) on ExtractNewRecordState-shaped rows; both produce the same key and value (checked in setup).
 * {@code tables} rotates records over that many table schemas, as a CDC task interleaves tables.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FacilityMetadataBenchmark {

    static final String CODE_FIELD = "facility_dhis2_code";
    static final String CODE = "12345";
    static final String NAME = "Kayunga Regional Referral Hospital";

    @Param({"1", "8"})
    public int tables;

    private SourceRecord[] records;
    private int next;

    private FacilityMetadata<SourceRecord> facilityMetadata;
    private Transformation<SourceRecord> addFacilityCodeValue;
    private Transformation<SourceRecord> addFacilityNameValue;
    private Transformation<SourceRecord> addFacilityCodeKey;

    @Setup
    public void setUp() {
        records = new SourceRecord[tables * 16];
        for (int t = 0; t < tables; t++) {
            Schema key = SchemaBuilder.struct().name("cm.ClinicMasterMOH.dbo.Table" + t + ".Key")
                    .field("id", Schema.INT32_SCHEMA).build();
            Schema value = rowSchema("cm.ClinicMasterMOH.dbo.Table" + t + ".Value");
            for (int i = 0; i < 16; i++) {
                int id = t * 1000 + i;
                records[t * 16 + i] = new SourceRecord(Map.of("server", "cm"), Map.of("lsn", (long) id),
                        "cm.ClinicMasterMOH.dbo.Table" + t, 0, key, new Struct(key).put("id", id),
                        value, row(value, id), 1_700_000_000_000L);
            }
        }
        // Interleave tables the way a poll batch does.
        SourceRecord[] interleaved = new SourceRecord[records.length];
        for (int i = 0; i < records.length; i++) {
            interleaved[i] = records[(i % tables) * 16 + i / tables];
        }
        records = interleaved;

        facilityMetadata = new FacilityMetadata<>();
        facilityMetadata.configure(Map.of("facility.code", CODE, "facility.name", NAME,
                "facility.code.field", CODE_FIELD));
        addFacilityCodeValue = insertField(new InsertField.Value<>(), CODE_FIELD, CODE);
        addFacilityNameValue = insertField(new InsertField.Value<>(), "facility_name", NAME);
        addFacilityCodeKey = insertField(new InsertField.Key<>(), CODE_FIELD, CODE);

        for (SourceRecord record : records) {
            SourceRecord ours = facilityMetadata.apply(record);
            SourceRecord chained = insertFieldChain(record);
            if (!ours.keySchema().equals(chained.keySchema()) || !ours.key().equals(chained.key())
                    || !ours.valueSchema().equals(chained.valueSchema()) || !ours.value().equals(chained.value())) {
                throw new IllegalStateException("FacilityMetadata and the InsertField chain disagree");
            }
        }
    }

    @Benchmark
    public SourceRecord facilityMetadata() {
        return facilityMetadata.apply(nextRecord());
    }

    @Benchmark
    public SourceRecord insertFieldChain() {
        return insertFieldChain(nextRecord());
    }

    private SourceRecord insertFieldChain(SourceRecord record) {
        return addFacilityCodeKey.apply(addFacilityNameValue.apply(addFacilityCodeValue.apply(record)));
    }

    private SourceRecord nextRecord() {
        SourceRecord record = records[next];
        next = next + 1 == records.length ? 0 : next + 1;
        return record;
    }

    /** A typical clinic visit row: 14 columns of mixed types, as ExtractNewRecordState leaves it. */
    static Schema rowSchema(String name) {
        return SchemaBuilder.struct().name(name)
                .field("id", Schema.INT32_SCHEMA)
                .field("patient_id", Schema.INT64_SCHEMA)
                .field("visit_no", Schema.OPTIONAL_STRING_SCHEMA)
                .field("visit_date", Date.builder().optional().build())
                .field("department", Schema.OPTIONAL_STRING_SCHEMA)
                .field("clinician", Schema.OPTIONAL_STRING_SCHEMA)
                .field("diagnosis_code", Schema.OPTIONAL_STRING_SCHEMA)
                .field("weight_kg", Decimal.builder(1).optional().build())
                .field("temperature_c", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("is_referral", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .field("payment_mode", Schema.OPTIONAL_STRING_SCHEMA)
                .field("amount_paid", Decimal.builder(2).optional().build())
                .field("created_at", Timestamp.builder().optional().build())
                .field("updated_at", Timestamp.builder().optional().build())
                .build();
    }

    static Struct row(Schema schema, int id) {
        java.util.Date now = new java.util.Date(1_700_000_000_000L + id);
        return new Struct(schema)
                .put("id", id).put("patient_id", 900_000L + id).put("visit_no", "V-" + id)
                .put("visit_date", new java.util.Date(86_400_000L * 19_700))
                .put("department", "OPD").put("clinician", "Dr. Okello").put("diagnosis_code", "B54")
                .put("weight_kg", new BigDecimal("64.5")).put("temperature_c", 37.8).put("is_referral", false)
                .put("payment_mode", "cash").put("amount_paid", new BigDecimal("15000.00"))
                .put("created_at", now).put("updated_at", now);
    }

    static Transformation<SourceRecord> insertField(Transformation<SourceRecord> transform, String field,
                                                    String value) {
        Map<String, String> config = new HashMap<>();
        config.put("static.field", field);
        config.put("static.value", value);
        transform.configure(config);
        return transform;
    }
}
