package com.healthcare.kafka.connect.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class CommonHelpersTest {

    private final ConfigAliases aliases = ConfigAliases.builder()
            .alias("port", "hl7.listener.port")
            .alias("batch.size", "max.batch.size")
            .build();

    @Test
    void aliasMovesToCanonicalKey() {
        Map<String, String> out = aliases.canonicalize(Map.of("port", "2576", "name", "x"));
        assertThat(out).containsEntry("hl7.listener.port", "2576").containsEntry("name", "x")
                .doesNotContainKey("port");
    }

    @Test
    void canonicalWinsAndConflictIsReported() {
        Map<String, String> props = Map.of("port", "1", "hl7.listener.port", "2");
        assertThat(aliases.canonicalize(props)).containsEntry("hl7.listener.port", "2");
        assertThat(aliases.conflicts(props)).singleElement().asString()
                .contains("'port'").contains("hl7.listener.port");
        assertThat(aliases.conflicts(Map.of("port", "2", "hl7.listener.port", "2"))).isEmpty();
    }

    @Test
    void cloudKeysAreRecognised() {
        assertThat(IgnoredCloudKeys.present(Map.of(
                "kafka.api.key", "k", "confluent.topic.bootstrap.servers", "b", "reporter.error.topic.name", "e",
                "schema.registry.url", "u", "output.data.format", "AVRO", "topic.prefix", "hl7.",
                "transforms", "a")))
                .containsExactly("confluent.topic.bootstrap.servers", "kafka.api.key", "output.data.format",
                        "reporter.error.topic.name", "schema.registry.url");
    }

    @Test
    void buildVersionComesFromTheFilteredResource() {
        assertThat(BuildVersion.of(CommonHelpersTest.class)).isEqualTo("9.9.9-test");
        assertThat(BuildVersion.of(String.class)).isEqualTo("unknown");
    }

    @Test
    void tlsProblemsNameTheKey() {
        ConfigDef def = TlsConfig.define(new ConfigDef(), "x.tls.", "TLS", "the listener");
        TlsConfig tls = TlsConfig.from(new AbstractConfig(def, Map.of("x.tls.enabled", "true",
                "x.tls.client.auth", "required")), "x.tls.");
        assertThat(tls.problems()).containsOnlyKeys("x.tls.keystore.location", "x.tls.truststore.location");
        TlsConfig off = TlsConfig.from(new AbstractConfig(def, Map.of()), "x.tls.");
        assertThat(off.problems()).isEmpty();
    }

    @Test
    void markdownListsEveryKeyAndHidesPasswordDefaults() {
        ConfigDef def = TlsConfig.define(new ConfigDef(), "x.tls.", "TLS", "the listener");
        String md = ConfigDocs.toMarkdown("Title", "Intro.", def, Map.of("a", "b"));
        assertThat(md).contains("# Title", "## TLS", "`x.tls.keystore.password`", "## Synonyms", "| `a` | `b` |");
        def.configKeys().keySet().forEach(k -> assertThat(md).contains("`" + k + "`"));
    }
}
