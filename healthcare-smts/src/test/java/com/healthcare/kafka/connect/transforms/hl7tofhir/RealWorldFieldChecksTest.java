package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import ca.uhn.fhir.fhirpath.IFhirPath;

/**
 * Field-level meaning on the real-world corpus (issue 14.8): {@code field-checks.tsv} next to the corpus holds,
 * per message, FHIRPath expressions on the converted Bundle and the value the HL7 v2 message says they must have
 * (identifiers, names, dates, codes, values and units, periods, references, links). The expected values were
 * written from the v2 text by hand, not from the converter's output.
 *
 * <p>Operators: {@code =} the results' values joined with " | "; {@code has} one result equals the value;
 * {@code count} the number of results; {@code resolves} every result is a Reference to an entry of the Bundle of
 * that resource type (and there is at least one).
 */
class RealWorldFieldChecksTest {

    private static final Hl7ToFhirConverter CONVERTER = new Hl7ToFhirConverter(ConversionSettings.defaults(),
            MappingTables.defaults());
    private static final Map<String, Bundle> BUNDLES = new ConcurrentHashMap<>();

    static Stream<Arguments> checks() {
        return RealWorldCorpusTest.rows("field-checks.tsv", 4).stream()
                .map(r -> Arguments.of(r[0], r[1], r[2], r[3]));
    }

    @ParameterizedTest(name = "{0}: {1} {2} {3}")
    @MethodSource("checks")
    void fieldHasTheValueTheMessageGives(String name, String path, String op, String expected) {
        Bundle bundle = BUNDLES.computeIfAbsent(name, n -> FhirR4Validator.get().context().newJsonParser()
                .parseResource(Bundle.class, CONVERTER.convert(RealWorldCorpus.message(n)).json()));
        IFhirPath fhirPath = FhirR4Validator.get().context().newFhirPath();
        List<Base> results = fhirPath.evaluate(bundle, path, Base.class);
        switch (op) {
            case "=":
                assertThat(values(results).stream().collect(Collectors.joining(" | "))).as(path).isEqualTo(expected);
                break;
            case "has":
                assertThat(values(results)).as(path).contains(expected);
                break;
            case "count":
                assertThat(results).as(path).hasSize(Integer.parseInt(expected));
                break;
            case "resolves":
                assertThat(results).as(path).isNotEmpty();
                for (Base r : results) {
                    String target = ((Reference) r).getReference();
                    BundleEntryComponent entry = bundle.getEntry().stream()
                            .filter(e -> e.getFullUrl().equals(target)).findFirst().orElse(null);
                    assertThat(entry).as("%s: %s resolves in the Bundle", path, target).isNotNull();
                    assertThat(entry.getResource().fhirType()).as(path).isEqualTo(expected);
                }
                break;
            default:
                throw new IllegalArgumentException("unknown operator " + op);
        }
    }

    @Test
    void atLeast40MessagesAreCheckedFieldByField() {
        Set<String> checked = new TreeSet<>();
        checks().forEach(a -> checked.add((String) a.get()[0]));
        assertThat(checked).hasSizeGreaterThanOrEqualTo(40);
        assertThat(RealWorldCorpus.names()).containsAll(checked);
    }

    private static List<String> values(List<Base> results) {
        List<String> out = new ArrayList<>();
        for (Base b : results) {
            out.add(b instanceof IPrimitiveType ? ((IPrimitiveType<?>) b).getValueAsString() : b.toString());
        }
        return out;
    }
}
