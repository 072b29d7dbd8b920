package com.healthcare.kafka.connect.benchmarks.hl7tofhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.healthcare.kafka.connect.transforms.Hl7ToFhir;

/**
 * Messages/s of HL7 v2 to FHIR R4 Bundle conversion over a corpus of ADT, ORU and VXU messages (v2.3-2.8): our
 * Hl7ToFhir SMT (whole {@code apply}, record and headers included) against LinuxForHealth's hl7v2-fhir-converter
 * v1.1.0 ({@code HL7ToFHIRConverter.convert(String)}) in the same run. Each invocation converts the whole corpus;
 * scores are per message ({@link OperationsPerInvocation}). Run with {@code -prof gc} for allocation per message.
 *
 * <p>LinuxForHealth's converter brings HAPI FHIR 6.6 and HAPI HL7 2.3, which clash with the HAPI FHIR 8.8 / HAPI
 * HL7 2.6 of this project on one classpath. It therefore runs from its own jars (resolved by
 * benchmarks/lfh-baseline/pom.xml, path list in {@code target/classpath.txt}) in an isolated class loader whose
 * parent is the platform loader, inside the same JMH run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class Hl7ToFhirBenchmark {

    static final String[] CORPUS = {
        "adt_a01_v251_admit", "adt_a04_v26_register_er", "adt_a08_v251_escapes",
        "oru_r01_v23_cbc", "oru_r01_v24_micro", "oru_r01_v251_chemistry",
        "vxu_v04_v251_iis", "vxu_v04_v28_two_doses"};
    static final int MESSAGES = 8;

    private List<String> messages;
    private Hl7ToFhir<SourceRecord> smt;
    private URLClassLoader lfhLoader;
    private Object lfhConverter;
    private MethodHandle lfhConvert;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        messages = corpus();
        smt = new Hl7ToFhir<>();
        smt.configure(Map.of("bundle.type", "transaction", "default.timezone", "America/Chicago"));
    }

    /** Loaded only by the baseline benchmark, so ours runs without the baseline's jars. */
    private void setUpBaseline() throws Throwable {
        if (lfhConverter != null) {
            return;
        }
        lfhLoader = new URLClassLoader(baselineClasspath(), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(lfhLoader);
        Class<?> type = Class.forName("io.github.linuxforhealth.hl7.HL7ToFHIRConverter", true, lfhLoader);
        lfhConverter = type.getConstructor().newInstance();
        lfhConvert = MethodHandles.publicLookup()
                .findVirtual(type, "convert", MethodType.methodType(String.class, String.class))
                .bindTo(lfhConverter);
        for (String m : messages) {
            String bundle = (String) lfhConvert.invoke(m);
            if (bundle == null || !bundle.contains("\"resourceType\"")) {
                throw new IllegalStateException("baseline produced no Bundle for a corpus message");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        smt.close();
        if (lfhLoader != null) {
            lfhLoader.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void hl7ToFhirSmt(Blackhole bh) {
        for (String m : messages) {
            SourceRecord in = new SourceRecord(null, null, "hl7.ADT", null, Schema.STRING_SCHEMA, "key",
                    Schema.STRING_SCHEMA, m, 0L);
            bh.consume(smt.apply(in).value());
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void linuxForHealthBaseline(Blackhole bh) throws Throwable {
        setUpBaseline();
        for (String m : messages) {
            bh.consume((String) lfhConvert.invoke(m));
        }
    }

    static List<String> corpus() {
        if (CORPUS.length != MESSAGES) {
            throw new IllegalStateException("MESSAGES must equal the corpus size");
        }
        List<String> out = new ArrayList<>();
        for (String name : CORPUS) {
            try (InputStream in = Hl7ToFhirBenchmark.class.getResourceAsStream("/hl7tofhir/" + name + ".hl7")) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                out.add(text.replace("\r\n", "\r").replace('\n', '\r'));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static URL[] baselineClasspath() throws IOException {
        Path file = Path.of(System.getProperty("lfh.classpath", "benchmarks/lfh-baseline/target/classpath.txt"));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("baseline classpath " + file.toAbsolutePath() + " is missing: run "
                    + "./mvnw -B -ntp -q -f benchmarks/lfh-baseline/pom.xml package (benchmarks/run-hl7tofhir does)");
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : Files.readString(file).trim().split(java.io.File.pathSeparator)) {
            try {
                urls.add(Path.of(entry).toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        return urls.toArray(new URL[0]);
    }
}
