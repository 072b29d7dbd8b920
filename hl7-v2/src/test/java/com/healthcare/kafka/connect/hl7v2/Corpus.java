package com.healthcare.kafka.connect.hl7v2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every HL7 v2 message the project holds as a file (*.hl7: the Hl7ToFhir, real-world and benchmark corpora, the
 * sandbox samples, the ITs' Hl7Corpus written out in this module's resources). A file may hold several messages (each starts with MSH after a line break).
 */
final class Corpus {

    record Sample(String name, String text) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Corpus() {
    }

    static Path repoRoot() {
        String root = System.getProperty("hl7v2.repo.root");
        return Paths.get(root != null ? root : "..").toAbsolutePath().normalize();
    }

    static List<Sample> all() {
        List<Sample> samples = new ArrayList<>();
        Path root = repoRoot();
        try (Stream<Path> files = Files.walk(root, 12)) {
            files.filter(p -> p.toString().endsWith(".hl7"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .sorted()
                    .forEach(p -> split(root.relativize(p).toString(), read(p), samples));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // a Latin-1 sample
            try {
                return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                throw new UncheckedIOException(e2);
            }
        }
    }

    private static void split(String name, String text, List<Sample> out) {
        String normalised = text.replace("\r\n", "\r").replace('\n', '\r');
        int start = normalised.indexOf("MSH");
        if (start < 0) {
            return;
        }
        int k = 0;
        while (start >= 0) {
            int next = normalised.indexOf("\rMSH", start + 3);
            String message = next < 0 ? normalised.substring(start) : normalised.substring(start, next + 1);
            out.add(new Sample(name + (k == 0 && next < 0 ? "" : "#" + (k + 1)), message));
            k++;
            start = next < 0 ? -1 : next + 1;
        }
    }
}
