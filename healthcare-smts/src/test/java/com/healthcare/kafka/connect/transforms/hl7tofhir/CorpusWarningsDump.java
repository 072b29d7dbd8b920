package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.nio.file.Path;

/** Development aid: prints the validator's errors and warnings for the corpus (not a test). */
public final class CorpusWarningsDump {
    public static void main(String[] args) {
        Hl7ToFhirConverter c = new Hl7ToFhirConverter(ConversionSettings.defaults(), MappingTables.defaults());
        for (Path p : Corpus.files()) {
            String json = c.convert(Corpus.message(p)).json();
            System.out.println("=== " + p.getFileName());
            FhirR4Validator.get().errors(json).forEach(System.out::println);
            FhirR4Validator.get().warnings(json).forEach(System.out::println);
            if (args.length > 0 && p.getFileName().toString().contains(args[0])) {
                System.out.println(json);
            }
        }
    }
}
