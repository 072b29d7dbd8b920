package com.healthcare.kafka.connect.benchmarks.mask;

import java.io.IOException;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.transforms.MaskField;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

import com.healthcare.kafka.connect.transforms.MaskPhi;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;

/**
 * Paired measurements for a shared, noisy machine: each invocation runs a block of the baseline and a block of
 * MaskPhi back to back (alternating which goes first), and adds each block's nanoseconds to its own counter, so
 * both see the same load. Per-record cost = counter / records; the ratio of the two counters is MaskPhi's cost
 * relative to the baseline.
 * <ul>
 * <li>{@code struct}: Kafka's MaskField vs MaskPhi, the same three top-level Struct fields to "[REDACTED]";</li>
 * <li>{@code hl7}: HAPI parsing the ADT^A01 (what any HL7 processing pays once) vs MaskPhi safe-harbor on it.</li>
 * </ul>
 * {@code benchmarks/run -f 2 -wi 5 -i 10 MaskPhiPairedBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class MaskPhiPairedBenchmark {

    static final int BLOCK = 64;

    /** Nanoseconds spent and records done by each side (summed per iteration). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counters {
        public long baselineNanos;
        public long maskPhiNanos;
        public long records;

        @Setup(Level.Iteration)
        public void reset() {
            baselineNanos = 0;
            maskPhiNanos = 0;
            records = 0;
        }
    }

    private MaskField<SourceRecord> maskField;
    private MaskPhi<SourceRecord> maskPhiFields;
    private MaskPhi<SourceRecord> safeHarbor;
    private HapiContext hapi;
    private PipeParser parser;
    private SourceRecord structRecord;
    private SourceRecord hl7Record;
    private boolean baselineFirst;

    @Setup(Level.Trial)
    public void setUp() {
        maskField = new MaskField.Value<>();
        maskField.configure(Map.of("fields", MaskPhiBenchmark.FIELDS, "replacement", "[REDACTED]"));
        maskPhiFields = new MaskPhi.Value<>();
        maskPhiFields.configure(Map.of("fields", MaskPhiBenchmark.FIELDS, "replacement", "[REDACTED]"));
        safeHarbor = new MaskPhi.Value<>();
        safeHarbor.configure(Map.of("profile", "safe-harbor"));
        hapi = new DefaultHapiContext();
        hapi.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        parser = hapi.getPipeParser();
        Struct patient = new Struct(MaskPhiBenchmark.PATIENT).put("id", 42L).put("first_name", "Jane")
                .put("last_name", "Doe").put("ssn", "123-45-6789").put("gender", "F").put("state", "IL")
                .put("diagnosis", "J45.909").put("visits", 3).put("updated", new Date(1715947200000L))
                .put("active", true);
        structRecord = new SourceRecord(Map.of(), Map.of(), "patients", 0, Schema.INT64_SCHEMA, 42L,
                MaskPhiBenchmark.PATIENT, patient);
        hl7Record = new SourceRecord(Map.of(), Map.of(), "hl7.ADT", 0, Schema.STRING_SCHEMA, "MRN123456",
                Schema.STRING_SCHEMA, Samples.ADT_A01);
        if (!maskPhiFields.apply(structRecord).value().equals(maskField.apply(structRecord).value())) {
            throw new IllegalStateException("MaskPhi and MaskField disagree on the same fields");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        maskField.close();
        maskPhiFields.close();
        safeHarbor.close();
        hapi.close();
    }

    @Benchmark
    public void struct(Counters counters, Blackhole bh) {
        baselineFirst = !baselineFirst;
        if (baselineFirst) {
            counters.baselineNanos += block(maskField, structRecord, bh);
            counters.maskPhiNanos += block(maskPhiFields, structRecord, bh);
        } else {
            counters.maskPhiNanos += block(maskPhiFields, structRecord, bh);
            counters.baselineNanos += block(maskField, structRecord, bh);
        }
        counters.records += BLOCK;
    }

    @Benchmark
    public void hl7(Counters counters, Blackhole bh) throws HL7Exception {
        baselineFirst = !baselineFirst;
        if (baselineFirst) {
            counters.baselineNanos += parseBlock(bh);
            counters.maskPhiNanos += block(safeHarbor, hl7Record, bh);
        } else {
            counters.maskPhiNanos += block(safeHarbor, hl7Record, bh);
            counters.baselineNanos += parseBlock(bh);
        }
        counters.records += BLOCK;
    }

    private static long block(org.apache.kafka.connect.transforms.Transformation<SourceRecord> t,
                              SourceRecord record, Blackhole bh) {
        long start = System.nanoTime();
        for (int i = 0; i < BLOCK; i++) {
            bh.consume(t.apply(record));
        }
        return System.nanoTime() - start;
    }

    private long parseBlock(Blackhole bh) throws HL7Exception {
        long start = System.nanoTime();
        for (int i = 0; i < BLOCK; i++) {
            bh.consume(parser.parse(Samples.ADT_A01));
        }
        return System.nanoTime() - start;
    }
}
