package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/** Test helper: build a message, convert it, check it validates, and read the Bundle with HAPI's R4 model. */
final class Convert {

    static final Hl7ToFhirConverter DEFAULT = new Hl7ToFhirConverter(ConversionSettings.defaults(),
            MappingTables.defaults());

    private Convert() {
    }

    /** Segments joined with CR. */
    static String msg(String... segments) {
        return String.join("\r", segments);
    }

    /** A segment from (field number, value) pairs, so tests do not count separators: seg("PID", 3, "X", 5, "Y"). */
    static String seg(String name, Object... numberValue) {
        java.util.TreeMap<Integer, String> fields = new java.util.TreeMap<>();
        for (int i = 0; i < numberValue.length; i += 2) {
            fields.put((Integer) numberValue[i], (String) numberValue[i + 1]);
        }
        StringBuilder b = new StringBuilder(name);
        int last = fields.isEmpty() ? 0 : fields.lastKey();
        for (int f = 1; f <= last; f++) {
            b.append('|').append(fields.getOrDefault(f, ""));
        }
        return b.toString();
    }

    static String msh(String type, String version) {
        return "MSH|^~\\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20240312083015-0500||" + type + "|CTRL0001|P|" + version;
    }

    static final String PID = "PID|1||MRN123^^^HOSP^MR||DOE^JANE||19800101|F";

    /** Converts with the default settings and asserts 0 validation errors. */
    static Bundle bundle(String hl7) {
        return bundle(DEFAULT, hl7);
    }

    static Bundle bundle(Hl7ToFhirConverter converter, String hl7) {
        String json = converter.convert(hl7).json();
        assertThat(FhirR4Validator.get().errors(json)).as("validation errors of%n%s", json).isEmpty();
        return FhirR4Validator.get().context().newJsonParser().parseResource(Bundle.class, json);
    }

    static <T extends Resource> List<T> all(Bundle b, Class<T> type) {
        return b.getEntry().stream().map(BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast)
                .collect(Collectors.toList());
    }

    static <T extends Resource> T one(Bundle b, Class<T> type) {
        List<T> all = all(b, type);
        assertThat(all).as("one %s", type.getSimpleName()).hasSize(1);
        return all.get(0);
    }

    static BundleEntryComponent entry(Bundle b, Resource r) {
        return b.getEntry().stream().filter(e -> e.getResource() == r).findFirst().orElseThrow();
    }
}
