package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The test message corpus (src/test/resources/hl7tofhir/corpus), CR-terminated as on the wire. */
final class Corpus {

    private Corpus() {
    }

    static Path dir() {
        try {
            return Path.of(Corpus.class.getResource("/hl7tofhir/corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".hl7")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String message(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\r").replace('\n', '\r');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String message(String name) {
        return message(dir().resolve(name));
    }
}
