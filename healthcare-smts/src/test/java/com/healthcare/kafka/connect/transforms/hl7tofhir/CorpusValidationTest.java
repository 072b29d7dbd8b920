package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.healthcare.kafka.connect.transforms.hl7tofhir.ConversionSettings.BundleType;

/**
 * Every message of the corpus, in every Bundle type, converts to a Bundle HAPI's FhirValidator passes against the
 * R4 base profiles with 0 errors, whose references all resolve inside the Bundle, and whose transaction entries are
 * conditional (idempotent on replay) and unique.
 */
class CorpusValidationTest {

    private static final Pattern URN_REFERENCE = Pattern.compile("\"reference\":\"(urn:uuid:[0-9a-f-]{36})\"");

    static Stream<Arguments> corpus() {
        return Corpus.files().stream().flatMap(p -> Stream.of(BundleType.values())
                .map(type -> Arguments.of(p.getFileName().toString(), type, p)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("corpus")
    void convertsToAValidBundle(String name, BundleType type, Path file) {
        Hl7ToFhirConverter converter = new Hl7ToFhirConverter(ConversionSettings.defaults().withBundleType(type),
                MappingTables.defaults());
        Hl7ToFhirConverter.Result result = converter.convert(Corpus.message(file));
        String json = result.json();

        List<String> errors = FhirR4Validator.get().errors(json);
        assertThat(errors).as("validation errors of %s:%n%s", name, json).isEmpty();

        Bundle bundle = FhirR4Validator.get().context().newJsonParser().parseResource(Bundle.class, json);
        assertThat(bundle.getType().toCode()).isEqualTo(type.code());
        assertThat(bundle.getEntry()).isNotEmpty();
        // Name-based UUIDs are fullUrls only: no resource body carries an id (R4 rejects a conditional update
        // whose body id differs from the matched resource).
        assertThat(json).doesNotContain("\"id\":");

        Set<String> fullUrls = new HashSet<>();
        for (BundleEntryComponent e : bundle.getEntry()) {
            assertThat(e.getFullUrl()).startsWith("urn:uuid:");
            assertThat(fullUrls.add(e.getFullUrl())).as("unique fullUrl %s", e.getFullUrl()).isTrue();
        }
        Matcher m = URN_REFERENCE.matcher(json);
        while (m.find()) {
            assertThat(fullUrls).as("reference %s resolves inside the Bundle", m.group(1)).contains(m.group(1));
        }

        if (type.hasRequests()) {
            Set<String> conditions = new HashSet<>();
            for (BundleEntryComponent e : bundle.getEntry()) {
                Bundle.BundleEntryRequestComponent request = e.getRequest();
                assertThat(request.getMethod()).isIn(Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST);
                String condition = request.getMethod() == Bundle.HTTPVerb.PUT ? request.getUrl() : request.getIfNoneExist();
                assertThat(condition).as("conditional request of %s", e.getResource().fhirType()).isNotBlank();
                assertThat(conditions.add(e.getResource().fhirType() + " " + condition))
                        .as("conditions are unique in a transaction: %s", condition).isTrue();
                if (condition.startsWith("identifier=") || condition.contains("?identifier=")) {
                    assertThat(identifierTokens(e.getResource()))
                            .as("the conditional identifier is in the resource")
                            .anyMatch(token -> condition.endsWith("|" + token.substring(token.indexOf('|') + 1)));
                }
            }
        } else {
            bundle.getEntry().forEach(e -> assertThat(e.getRequest().isEmpty()).isTrue());
        }
        if (type == BundleType.MESSAGE) {
            assertThat(bundle.getEntryFirstRep().getResource().fhirType()).isEqualTo("MessageHeader");
        }
        assertThat(result.resourceTypes()).contains("Patient", "Provenance");
        assertThat(result.warnings()).as("nothing of these well-formed messages is dropped").isEmpty();
    }

    private static List<String> identifierTokens(Resource r) {
        List<String> tokens = new java.util.ArrayList<>();
        for (String element : new String[] {"identifier", "masterIdentifier"}) {
            Property p = r.getNamedProperty(element);
            if (p != null) {
                p.getValues().forEach(v -> {
                    Identifier id = (Identifier) v;
                    tokens.add(id.getSystem() + "|" + id.getValue());
                });
            }
        }
        return tokens;
    }
}
