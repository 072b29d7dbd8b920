package com.healthcare.kafka.connect.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.healthcare.kafka.connect.common.ConfigDocs;

/** Keeps docs/config/transforms/&lt;Transform&gt;.md generated from each transform's ConfigDef. */
class ConfigReferenceTest {

    static java.util.stream.Stream<Arguments> transforms() {
        return java.util.stream.Stream.of(
                Arguments.of("Hl7ToFhir", Hl7ToFhir.class.getName(),
                        "Converts HL7 v2 messages into FHIR R4 Bundles (JSON).", Hl7ToFhir.CONFIG_DEF),
                Arguments.of("MaskPhi", MaskPhi.class.getName() + "$Value / $Key",
                        "Masks PHI in values or keys: Structs, Maps, HL7 v2 text and FHIR JSON.", MaskPhi.CONFIG_DEF),
                Arguments.of("FacilityMetadata", FacilityMetadata.class.getName(),
                        "Stamps facility code and name into key and value.", FacilityMetadata.CONFIG_DEF),
                Arguments.of("FhirResourceExtractor", FhirResourceExtractor.class.getName(),
                        "Emits the FHIR resource of a record or single-entry Bundle.",
                        FhirResourceExtractor.CONFIG_DEF));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void committedReferenceMatchesTheConfigDef(String file, String title, String intro, ConfigDef def) {
        String md = ConfigDocs.toMarkdown(title, intro, def, Map.of());
        assertThat(ConfigDocs.checkOrUpdate(Path.of("..", "docs", "config", "transforms", file + ".md"), md,
                Boolean.getBoolean("config.docs.update"))).isNull();
    }
}
