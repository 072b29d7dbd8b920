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

/**
 * The real-world corpus (src/test/resources/corpus/real-world): public HL7 v2 sample messages nobody here wrote,
 * one folder per source, listed with their licence in SOURCES.md. Files are kept as their source has them (CRLF
 * or LF line ends, some with a UTF-8 byte order mark); {@link #message} gives the wire form.
 */
final class RealWorldCorpus {

    private RealWorldCorpus() {
    }

    static Path dir() {
        try {
            return Path.of(RealWorldCorpus.class.getResource("/corpus/real-world").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every message file, as "folder/file.hl7" names relative to {@link #dir()}, sorted. */
    static List<String> names() {
        try (Stream<Path> s = Files.walk(dir())) {
            return s.filter(p -> p.toString().endsWith(".hl7"))
                    .map(p -> dir().relativize(p).toString().replace('\\', '/')).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The message as a sender puts it on the wire: CR segment ends, no blank lines. A byte order mark stays: it
     * is part of what real senders (and file exports) produce, and the converter must cope with it.
     */
    static String message(String name) {
        try {
            String text = Files.readString(dir().resolve(name), StandardCharsets.UTF_8);
            return text.replace("\r\n", "\r").replace('\n', '\r').replaceAll("\r+", "\r").strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
