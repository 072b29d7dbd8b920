package com.healthcare.kafka.connect.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.common.ConfigDocs;

/** Keeps docs/config/FhirSourceConnector.md generated from the ConfigDef. */
class ConfigReferenceTest {

    @Test
    void committedReferenceMatchesTheConfigDef() {
        String md = ConfigDocs.toMarkdown("FHIR R4 source: " + FhirSourceConnector.class.getName(),
                "Streams FHIR R4 resource changes (poll and rest-hook subscription) into Kafka with durable "
                        + "offsets. See the README for semantics.",
                FhirSourceConnectorConfig.CONFIG_DEF, FhirSourceConnectorConfig.ALIASES.aliases());
        assertThat(ConfigDocs.checkOrUpdate(Path.of("..", "docs", "config", "FhirSourceConnector.md"), md,
                Boolean.getBoolean("config.docs.update"))).isNull();
    }
}
