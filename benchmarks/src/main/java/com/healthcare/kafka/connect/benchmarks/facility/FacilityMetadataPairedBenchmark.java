package com.healthcare.kafka.connect.benchmarks.facility;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.InsertField;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.healthcare.kafka.connect.transforms.FacilityMetadata;

/**
 * The comparison of {@link FacilityMetadataBenchmark} made robust to a shared, noisy machine: every invocation
 * times a block of records through the seed's InsertField chain and the same block through FacilityMetadata, back
 * to back (alternating which goes first), and adds each block's nanoseconds to its own counter. Both sides thus see
 * the same load; the ratio of the two totals is the result.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class FacilityMetadataPairedBenchmark {

    static final int BLOCK = 64;

    @Param({"1", "8"})
    public int tables;

    private SourceRecord[] records;
    private int next;
    private boolean chainFirst;
    private UnaryOperator<SourceRecord> facilityMetadata;
    private UnaryOperator<SourceRecord> insertFieldChain;

    /** Nanoseconds spent in each side and records through each, summed over the measured iterations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Totals {
        public long chainNanos;
        public long facilityMetadataNanos;
        public long recordsEach;

        @Setup(Level.Iteration)
        public void reset() {
            chainNanos = 0;
            facilityMetadataNanos = 0;
            recordsEach = 0;
        }
    }

    @Setup
    public void setUp() {
        // One schema instance per table, as Debezium keeps it; records of the tables interleaved.
        Schema[] keySchemas = new Schema[tables];
        Schema[] valueSchemas = new Schema[tables];
        for (int t = 0; t < tables; t++) {
            keySchemas[t] = SchemaBuilder.struct().name("cm.ClinicMasterMOH.dbo.Table" + t + ".Key")
                    .field("id", Schema.INT32_SCHEMA).build();
            valueSchemas[t] = FacilityMetadataBenchmark.rowSchema("cm.ClinicMasterMOH.dbo.Table" + t + ".Value");
        }
        records = new SourceRecord[tables * BLOCK];
        for (int i = 0; i < records.length; i++) {
            int t = i % tables;
            records[i] = new SourceRecord(Map.of("server", "cm"), Map.of("lsn", (long) i),
                    "cm.ClinicMasterMOH.dbo.Table" + t, 0, keySchemas[t], new Struct(keySchemas[t]).put("id", i),
                    valueSchemas[t], FacilityMetadataBenchmark.row(valueSchemas[t], i), 1_700_000_000_000L);
        }

        FacilityMetadata<SourceRecord> smt = new FacilityMetadata<>();
        smt.configure(Map.of("facility.code", FacilityMetadataBenchmark.CODE,
                "facility.name", FacilityMetadataBenchmark.NAME,
                "facility.code.field", FacilityMetadataBenchmark.CODE_FIELD));
        facilityMetadata = smt::apply;
        Transformation<SourceRecord> codeValue = FacilityMetadataBenchmark.insertField(new InsertField.Value<>(),
                FacilityMetadataBenchmark.CODE_FIELD, FacilityMetadataBenchmark.CODE);
        Transformation<SourceRecord> nameValue = FacilityMetadataBenchmark.insertField(new InsertField.Value<>(),
                "facility_name", FacilityMetadataBenchmark.NAME);
        Transformation<SourceRecord> codeKey = FacilityMetadataBenchmark.insertField(new InsertField.Key<>(),
                FacilityMetadataBenchmark.CODE_FIELD, FacilityMetadataBenchmark.CODE);
        insertFieldChain = r -> codeKey.apply(nameValue.apply(codeValue.apply(r)));

        for (SourceRecord record : records) {
            SourceRecord ours = facilityMetadata.apply(record);
            SourceRecord theirs = insertFieldChain.apply(record);
            if (!ours.key().equals(theirs.key()) || !ours.value().equals(theirs.value())
                    || !ours.valueSchema().equals(theirs.valueSchema())) {
                throw new IllegalStateException("FacilityMetadata and the InsertField chain disagree");
            }
        }
    }

    @Benchmark
    public void pairedBlocks(Totals totals, Blackhole blackhole) {
        int start = next;
        next = (next + BLOCK) % records.length;
        if (chainFirst) {
            totals.chainNanos += block(insertFieldChain, start, blackhole);
            totals.facilityMetadataNanos += block(facilityMetadata, start, blackhole);
        } else {
            totals.facilityMetadataNanos += block(facilityMetadata, start, blackhole);
            totals.chainNanos += block(insertFieldChain, start, blackhole);
        }
        chainFirst = !chainFirst;
        totals.recordsEach += BLOCK;
    }

    private long block(UnaryOperator<SourceRecord> transform, int start, Blackhole blackhole) {
        long begin = System.nanoTime();
        for (int i = 0; i < BLOCK; i++) {
            blackhole.consume(transform.apply(records[(start + i) % records.length]));
        }
        return System.nanoTime() - begin;
    }
}
