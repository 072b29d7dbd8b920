package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Message;

/**
 * The fidelity suite on the real-world corpus (issue 14.8): every public message converts to a Bundle HAPI's
 * FhirValidator passes with 0 errors (bar the listed sender-code errors), holding exactly the resources the
 * hand-reviewed expectations file says, or is routed for the reason it says. Field-level meaning is checked by
 * {@link RealWorldFieldChecksTest}.
 *
 * <p>Files next to the corpus: {@code expected-resources.tsv} (message, resource counts per type or
 * {@code ROUTED <reason>}) and {@code validator-allow-list.tsv} (message, validator error fragment, why the error
 * only repeats a code the sender put in the message). Both are edited by hand, never regenerated.
 */
class RealWorldCorpusTest {

    private static final Map<String, String> EXPECTED = readExpectations();
    private static final Map<String, List<String[]>> ALLOWED = readAllowList();
    private static final Set<String> ALLOWANCES_USED = ConcurrentHashMap.newKeySet();
    private static final Hl7ToFhirConverter CONVERTER = new Hl7ToFhirConverter(ConversionSettings.defaults(),
            MappingTables.defaults());

    static List<String> messages() {
        return RealWorldCorpus.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void convertsAsExpected(String name) {
        String expected = EXPECTED.get(name);
        assertThat(expected).as("expected-resources.tsv has a line for %s", name).isNotNull();
        String message = RealWorldCorpus.message(name);
        if (expected.startsWith("ROUTED ")) {
            assertThatThrownBy(() -> CONVERTER.convert(message)).as("%s is routed", name)
                    .isInstanceOf(ConversionException.class)
                    .hasMessageContaining(expected.substring("ROUTED ".length()));
            return;
        }
        String json = CONVERTER.convert(message).json();
        List<String> errors = FhirR4Validator.get().errors(json);
        List<String> unexplained = new ArrayList<>();
        for (String error : errors) {
            String[] allowance = ALLOWED.getOrDefault(name, List.of()).stream()
                    .filter(a -> error.contains(a[1])).findFirst().orElse(null);
            if (allowance == null) {
                unexplained.add(error);
            } else {
                ALLOWANCES_USED.add(name + "\t" + allowance[1]);
            }
        }
        assertThat(unexplained).as("validation errors of %s not in the allow-list", name).isEmpty();

        Bundle bundle = FhirR4Validator.get().context().newJsonParser().parseResource(Bundle.class, json);
        Map<String, Integer> counts = new TreeMap<>();
        bundle.getEntry().forEach(e -> counts.merge(e.getResource().fhirType(), 1, Integer::sum));
        String actual = counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        assertThat(actual).as("resource counts of %s", name).isEqualTo(expected);
    }

    @Test
    void everyExpectationNamesAMessageOfTheCorpus() {
        assertThat(new TreeSet<>(messages())).containsAll(EXPECTED.keySet());
        assertThat(new TreeSet<>(messages())).containsAll(ALLOWED.keySet());
    }

    @Test
    void corpusHasAtLeast150MessagesAcrossVersions23To28() {
        List<String> names = messages();
        assertThat(names).hasSizeGreaterThanOrEqualTo(150);
        Set<String> versions = new TreeSet<>();
        for (String name : names) {
            String version = V2Message.parse(RealWorldCorpus.message(name)).version();
            versions.add(version.length() > 3 ? version.substring(0, 3) : version);
        }
        assertThat(versions).contains("2.3", "2.4", "2.5", "2.6", "2.7", "2.8");
    }

    /** An allowance no message needs any more is stale: the list names only errors that still occur. */
    @AfterAll
    static void everyAllowanceIsStillNeeded() {
        if (ALLOWANCES_USED.isEmpty()) {
            return; // a filtered run (-Dtest=...#method) proves nothing about the list
        }
        Set<String> listed = new TreeSet<>();
        ALLOWED.forEach((name, list) -> list.forEach(a -> listed.add(name + "\t" + a[1])));
        listed.removeAll(ALLOWANCES_USED);
        if (EXPECTED.size() == messages().size()) {
            assertThat(listed).as("allow-list entries no error needs").isEmpty();
        }
    }

    private static Map<String, String> readExpectations() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] row : rows("expected-resources.tsv", 2)) {
            assertThat(out.put(row[0], row[1])).as("one line per message: %s", row[0]).isNull();
        }
        return out;
    }

    private static Map<String, List<String[]>> readAllowList() {
        Map<String, List<String[]>> out = new LinkedHashMap<>();
        for (String[] row : rows("validator-allow-list.tsv", 3)) {
            assertThat(row[2]).as("every allowance says why").isNotBlank();
            out.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row);
        }
        return out;
    }

    static List<String[]> rows(String file, int columns) {
        try {
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(RealWorldCorpus.dir().resolve(file), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                assertThat(cells).as("%s line: %s", file, line).hasSize(columns);
                out.add(cells);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
