package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.Map;
import java.util.TreeMap;

import org.hl7.fhir.r4.model.Bundle;

/**
 * Development aid (not a test): for each real-world corpus message, the outcome, the resource counts per type in
 * the expectations-file format, and the validator's errors. Used to review expectations by hand, never to
 * overwrite them.
 */
public final class RealWorldCorpusReport {
    public static void main(String[] args) {
        Hl7ToFhirConverter c = new Hl7ToFhirConverter(ConversionSettings.defaults(), MappingTables.defaults());
        for (String name : RealWorldCorpus.names()) {
            if (args.length > 0 && !name.contains(args[0])) {
                continue;
            }
            String json;
            try {
                json = c.convert(RealWorldCorpus.message(name)).json();
            } catch (RuntimeException e) {
                System.out.println(name + "\tROUTED\t" + e.getClass().getSimpleName() + ": " + e.getMessage());
                continue;
            }
            Bundle b = FhirR4Validator.get().context().newJsonParser().parseResource(Bundle.class, json);
            Map<String, Integer> counts = new TreeMap<>();
            b.getEntry().forEach(e -> counts.merge(e.getResource().fhirType(), 1, Integer::sum));
            StringBuilder line = new StringBuilder(name).append('\t');
            counts.forEach((k, v) -> line.append(k).append('=').append(v).append(' '));
            System.out.println(line.toString().trim());
            FhirR4Validator.get().errors(json).forEach(err -> System.out.println("    " + err));
            if (args.length > 1) {
                System.out.println(json);
            }
        }
    }
}
