package com.healthcare.kafka.connect.transforms.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * docs/phi-masking.md lists every element of the profiles with its method per profile: the table between the
 * GENERATED markers is rendered from {@link PhiElements}, and this test fails when it differs (regenerate with
 * {@code -Dconfig.docs.update=true}).
 */
class PhiMaskingDocTest {

    static final Path DOC = Path.of("..", "docs", "phi-masking.md");
    static final String BEGIN = "<!-- BEGIN GENERATED: PhiElements (do not edit by hand) -->";
    static final String END = "<!-- END GENERATED -->";

    static String render() {
        StringBuilder out = new StringBuilder();
        PhiElements.Format current = null;
        for (PhiElements.Element e : PhiElements.all()) {
            if (e.format() != current) {
                current = e.format();
                out.append('\n').append("### ").append(switch (current) {
                    case HL7 -> "HL7 v2 (every occurrence of the segment, every repetition)";
                    case FHIR -> "FHIR R4 (every resource: top level, Bundle entries, contained)";
                    case FIELD -> "Struct and Map fields (by name, at any depth; Debezium before/after)";
                    case KEY -> "Keys (MaskPhi$Key)";
                }).append("\n\n");
                out.append("| Element | What | safe-harbor | pseudonymize |\n|---|---|---|---|\n");
            }
            out.append("| `").append(e.path()).append("` | ").append(e.description()).append(" | ")
                    .append(e.safeHarborText()).append(" | ").append(e.pseudonymizeText()).append(" |\n");
        }
        return out.toString();
    }

    @Test
    void docListsEveryElementWithItsMethodPerProfile() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("markers in %s", DOC).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String expected = doc.substring(0, begin + BEGIN.length()) + "\n" + render() + "\n"
                + doc.substring(end);
        if (Boolean.getBoolean("config.docs.update")) {
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
            return;
        }
        assertThat(doc).as("%s is out of date: rerun with -Dconfig.docs.update=true", DOC).isEqualTo(expected);
    }

    @Test
    void everyProfileRuleParses() {
        for (PhiElements.Element e : PhiElements.all()) {
            e.safeHarbor().forEach(MaskRule::parse);
            e.pseudonymize().forEach(MaskRule::parse);
            assertThat(e.safeHarbor()).as("safe-harbor never hashes: %s", e.path())
                    .noneMatch(r -> r.endsWith(":hash") || r.endsWith(":dateshift"));
        }
    }
}
