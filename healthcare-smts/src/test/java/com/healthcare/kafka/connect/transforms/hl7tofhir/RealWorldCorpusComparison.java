package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Message;

/**
 * Development aid (not a test), run by benchmarks/run-corpus-comparison: the pass table of
 * docs/hl7-to-fhir-mapping.md. Converts every real-world corpus message with Hl7ToFhir and with LinuxForHealth's
 * hl7v2-fhir-converter v1.1.0 (its own jars, from benchmarks/lfh-baseline, in an isolated class loader as the
 * benchmark does), validates every Bundle with the same FhirValidator, and prints per message type: messages,
 * converted, converted with 0 errors, validator errors.
 *
 * <p>Argument: the baseline's classpath file (benchmarks/lfh-baseline/target/classpath.txt).
 */
public final class RealWorldCorpusComparison {

    /** Per message type: messages, converted, valid, errors for each converter. */
    private static final class Row {
        int messages;
        final int[] ours = new int[3];
        final int[] lfh = new int[3];
    }

    public static void main(String[] args) throws Throwable {
        List<URL> urls = new ArrayList<>();
        for (String entry : Files.readString(Path.of(args[0])).trim().split(java.io.File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        URLClassLoader lfhLoader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Class<?> type = Class.forName("io.github.linuxforhealth.hl7.HL7ToFHIRConverter", true, lfhLoader);
        Thread.currentThread().setContextClassLoader(lfhLoader);
        Object lfhConverter = type.getConstructor().newInstance();
        MethodHandle lfhConvert = MethodHandles.publicLookup()
                .findVirtual(type, "convert", MethodType.methodType(String.class, String.class)).bindTo(lfhConverter);
        Thread.currentThread().setContextClassLoader(previous);

        Hl7ToFhirConverter ours = new Hl7ToFhirConverter(ConversionSettings.defaults(), MappingTables.defaults());
        Map<String, Row> rows = new TreeMap<>();
        Row total = new Row();
        for (String name : RealWorldCorpus.names()) {
            String message = RealWorldCorpus.message(name);
            String family = V2Message.parse(message).messageCode();
            Row row = rows.computeIfAbsent(family, k -> new Row());
            row.messages++;
            total.messages++;
            String json;
            try {
                json = ours.convert(message).json();
            } catch (RuntimeException e) {
                json = null;
            }
            count(json, row.ours, total.ours);
            Thread.currentThread().setContextClassLoader(lfhLoader);
            try {
                json = (String) lfhConvert.invoke(message);
            } catch (Throwable e) {
                json = null;
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
            int errors = count(json, row.lfh, total.lfh);
            System.err.println(name + "\tlfh\t" + (errors < 0 ? "not converted" : errors + " errors"));
        }
        System.out.println("| message type | messages | Hl7ToFhir converted | Hl7ToFhir with 0 errors | Hl7ToFhir "
                + "errors | LinuxForHealth converted | LinuxForHealth with 0 errors | LinuxForHealth errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach((family, r) -> print(family, r));
        print("**all**", total);
        lfhLoader.close();
    }

    /** Adds a conversion's outcome to the counters; its validator errors, -1 when nothing was converted. */
    private static int count(String json, int[] row, int[] total) {
        if (json == null || !json.contains("\"resourceType\"")) {
            return -1;
        }
        int errors = FhirR4Validator.get().errors(json).size();
        for (int[] a : new int[][] {row, total}) {
            a[0]++;
            if (errors == 0) {
                a[1]++;
            }
            a[2] += errors;
        }
        return errors;
    }

    private static void print(String family, Row r) {
        System.out.println("| " + family + " | " + r.messages + " | " + r.ours[0] + " | " + r.ours[1] + " | "
                + r.ours[2] + " | " + r.lfh[0] + " | " + r.lfh[1] + " | " + r.lfh[2] + " |");
    }
}
