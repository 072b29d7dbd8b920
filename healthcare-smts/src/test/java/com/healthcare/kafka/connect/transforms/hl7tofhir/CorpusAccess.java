package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.nio.file.Path;
import java.util.List;

/** The corpus for tests of other packages. */
public final class CorpusAccess {

    private CorpusAccess() {
    }

    public static List<Path> files() {
        return Corpus.files();
    }

    public static String message(Path file) {
        return Corpus.message(file);
    }
}
