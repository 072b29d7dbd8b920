package com.healthcare.kafka.connect.benchmarks.mask;

import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.MaskField;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import com.healthcare.kafka.connect.transforms.MaskPhi;

/**
 * MaskPhi against Kafka's MaskField on the same top-level Struct fields (the baseline, same run), and MaskPhi's
 * cost per HL7 message and FHIR Bundle with the full safe-harbor profile.
 *
 * <p>{@code benchmarks/run -f 1 -wi 3 -i 5 MaskPhiBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MaskPhiBenchmark {

    static final Schema PATIENT = SchemaBuilder.struct().name("patients.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("first_name", Schema.STRING_SCHEMA)
            .field("last_name", Schema.STRING_SCHEMA)
            .field("ssn", Schema.STRING_SCHEMA)
            .field("gender", Schema.STRING_SCHEMA)
            .field("state", Schema.STRING_SCHEMA)
            .field("diagnosis", Schema.OPTIONAL_STRING_SCHEMA)
            .field("visits", Schema.INT32_SCHEMA)
            .field("updated", Timestamp.SCHEMA)
            .field("active", Schema.BOOLEAN_SCHEMA)
            .build();

    /** The top-level fields both transforms mask. */
    static final String FIELDS = "first_name,last_name,ssn";

    private MaskField<SourceRecord> maskField;
    private MaskPhi<SourceRecord> maskPhi;
    private MaskPhi<SourceRecord> maskPhiRules;
    private MaskPhi<SourceRecord> safeHarbor;
    private SourceRecord structRecord;
    private SourceRecord hl7Record;
    private SourceRecord fhirRecord;

    @Setup(Level.Trial)
    public void setUp() {
        maskField = new MaskField.Value<>();
        maskField.configure(Map.of("fields", FIELDS, "replacement", "[REDACTED]"));
        maskPhi = new MaskPhi.Value<>();
        maskPhi.configure(Map.of("fields", FIELDS, "replacement", "[REDACTED]"));
        maskPhiRules = new MaskPhi.Value<>();
        maskPhiRules.configure(Map.of("rules", "first_name:redact,last_name:keep-last:2,ssn:hash",
                "hash.key", "benchmark-key-0123456789"));
        safeHarbor = new MaskPhi.Value<>();
        safeHarbor.configure(Map.of("profile", "safe-harbor"));

        Struct patient = new Struct(PATIENT).put("id", 42L).put("first_name", "Jane").put("last_name", "Doe")
                .put("ssn", "123-45-6789").put("gender", "F").put("state", "IL").put("diagnosis", "J45.909")
                .put("visits", 3).put("updated", new Date(1715947200000L)).put("active", true);
        structRecord = new SourceRecord(Map.of(), Map.of(), "patients", 0, Schema.INT64_SCHEMA, 42L, PATIENT,
                patient);
        hl7Record = new SourceRecord(Map.of(), Map.of(), "hl7.ADT", 0, Schema.STRING_SCHEMA, "MRN123456",
                Schema.STRING_SCHEMA, Samples.ADT_A01);
        fhirRecord = new SourceRecord(Map.of(), Map.of(), "fhir.Bundle", 0, Schema.STRING_SCHEMA, "b",
                Schema.STRING_SCHEMA, Samples.BUNDLE);
        // fail fast if a transform does not do what is measured
        Struct phi = (Struct) maskPhi.apply(structRecord).value();
        Struct field = (Struct) maskField.apply(structRecord).value();
        if (!phi.equals(field)) {
            throw new IllegalStateException("MaskPhi and MaskField disagree on the same fields");
        }
        if (((String) safeHarbor.apply(hl7Record).value()).contains("MRN123456")
                || ((String) safeHarbor.apply(fhirRecord).value()).contains("MRN123456")) {
            throw new IllegalStateException("safe-harbor left an identifier");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        maskField.close();
        maskPhi.close();
        maskPhiRules.close();
        safeHarbor.close();
    }

    /** Baseline: Kafka's MaskField, three top-level string fields to "[REDACTED]". */
    @Benchmark
    public SourceRecord structMaskField() {
        return maskField.apply(structRecord);
    }

    /** The same three fields, same replacement, through MaskPhi ({@code fields} + {@code replacement}). */
    @Benchmark
    public SourceRecord structMaskPhi() {
        return maskPhi.apply(structRecord);
    }

    /** The same three fields with redact, keep-last and hash (the redact changes the schema: cached). */
    @Benchmark
    public SourceRecord structMaskPhiMixedRules() {
        return maskPhiRules.apply(structRecord);
    }

    /** One ADT^A01 (v2.5, 13 segments, about 1.5 KB) with the full safe-harbor profile. */
    @Benchmark
    public SourceRecord hl7SafeHarbor() {
        return safeHarbor.apply(hl7Record);
    }

    /** One transaction Bundle (Patient, Encounter, Observation, Coverage) with the full safe-harbor profile. */
    @Benchmark
    public SourceRecord fhirBundleSafeHarbor() {
        return safeHarbor.apply(fhirRecord);
    }
}
