package com.healthcare.kafka.connect.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.common.ConfigDocs;

/** Keeps docs/config/Hl7SourceConnector.md generated from the ConfigDef. */
class ConfigReferenceTest {

    @Test
    void committedReferenceMatchesTheConfigDef() {
        String md = ConfigDocs.toMarkdown("HL7 v2 MLLP source: " + Hl7SourceConnector.class.getName(),
                "Receives HL7 v2 over MLLP and writes each message to Kafka; the sender's ACK follows the Kafka "
                        + "commit. Semantics, guarantees and their limits: [hl7-source.md](../hl7-source.md).",
                Hl7SourceConnectorConfig.CONFIG_DEF, Hl7SourceConnectorConfig.ALIASES.aliases());
        assertThat(ConfigDocs.checkOrUpdate(Path.of("..", "docs", "config", "Hl7SourceConnector.md"), md,
                Boolean.getBoolean("config.docs.update"))).isNull();
    }
}
