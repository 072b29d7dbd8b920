package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.Bundle;

/** Every message of the corpus converts, in every Bundle type, to a Bundle the R4 validator passes with 0 errors. */
class CorpusValidationTest {

    private static final Hl7ToFhirConverter TRANSACTION = new Hl7ToFhirConverter(ConversionSettings.defaults(),
            MappingTables.defaults());

    static Stream<Arguments> corpus() {
        return Corpus.files().stream().map(p -> Arguments.of(p.getFileName().toString(), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void transactionBundleValidates(String name, Path file) {
        Hl7ToFhirConverter.Result result = TRANSACTION.convert(Corpus.message(file));
        List<String> errors = FhirR4Validator.get().errors(result.json());
        assertThat(errors).as("validation errors of %s:%n%s", name, result.json()).isEmpty();

        IParser parser = FhirR4Validator.get().context().newJsonParser();
        Bundle bundle = parser.parseResource(Bundle.class, result.json());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(bundle.getEntry()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getFullUrl()).startsWith("urn:uuid:");
            assertThat(e.getRequest().getMethod()).isIn(Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST);
            if (e.getRequest().getMethod() == Bundle.HTTPVerb.PUT) {
                assertThat(e.getRequest().getUrl()).contains("?identifier=");
            } else {
                assertThat(e.getRequest().getIfNoneExist()).isNotBlank();
            }
        });
        assertThat(result.resourceTypes()).contains("Provenance");
        // Name-based UUIDs are fullUrls only: no resource carries an id (a conditional update would be rejected).
        assertThat(result.json()).doesNotContain("\"id\":");
    }
}
