package com.healthcare.kafka.connect.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 13.6: MaskPhi$Value alone leaves the key (the HL7 source's patient id, the FHIR source's Type/id)
 * unmasked. Every shipped config (connector-configs/, sandbox/, docker/) that masks values also masks the key:
 * its MaskPhi$Key, configured as shipped, really changes a patient-id key.
 */
class ShippedMaskingConfigsTest {

    static final String VALUE = "com.healthcare.kafka.connect.transforms.MaskPhi$Value";
    static final String KEY = "com.healthcare.kafka.connect.transforms.MaskPhi$Key";

    static List<Path> shippedJson() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("connector-configs", "sandbox", "docker")) {
            Path root = Path.of("..", dir);
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("/target/"))
                            .forEach(files::add);
                }
            }
        }
        return files;
    }

    /** The connector config of a shipped file: {"name":..., "config":{...}} or the flat map. */
    static Map<String, String> config(JsonNode tree) {
        JsonNode config = tree.has("config") ? tree.get("config") : tree;
        Map<String, String> props = new HashMap<>();
        config.properties().forEach(e -> props.put(e.getKey(), e.getValue().asText()));
        return props;
    }

    @Test
    void everyShippedConfigThatMasksValuesMasksTheKeyToo() throws IOException {
        int masking = 0;
        for (Path file : shippedJson()) {
            JsonNode tree = new ObjectMapper().readTree(file.toFile());
            if (!tree.isObject()) {
                continue;
            }
            Map<String, String> props = config(tree);
            List<String> aliases = List.of(props.getOrDefault("transforms", "").split("\\s*,\\s*"));
            boolean masksValue = aliases.stream().anyMatch(a -> VALUE.equals(props.get("transforms." + a + ".type")));
            if (!masksValue) {
                continue;
            }
            masking++;
            String keyAlias = aliases.stream().filter(a -> KEY.equals(props.get("transforms." + a + ".type")))
                    .findFirst().orElse(null);
            assertThat(keyAlias).as("%s uses MaskPhi$Value but not MaskPhi$Key: its keys keep the MRN", file)
                    .isNotNull();
            Map<String, String> keyConfig = new HashMap<>();
            String prefix = "transforms." + keyAlias + ".";
            props.forEach((k, v) -> {
                if (k.startsWith(prefix) && !k.equals(prefix + "type")) {
                    keyConfig.put(k.substring(prefix.length()), v.startsWith("${") ? "shipped-config-test-key-0123" : v);
                }
            });
            MaskPhi.Key<SourceRecord> key = new MaskPhi.Key<>();
            key.configure(keyConfig);
            SourceRecord record = new SourceRecord(Map.of(), Map.of(), "t", 0, Schema.STRING_SCHEMA, "MRN123456",
                    Schema.STRING_SCHEMA, "x");
            assertThat(key.apply(record).key()).as("%s: its MaskPhi$Key changes a patient-id key", file)
                    .isNotEqualTo("MRN123456");
        }
        assertThat(masking).as("shipped configs with MaskPhi$Value").isGreaterThanOrEqualTo(2);
    }
}
