package com.healthcare.kafka.connect.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.healthcare.kafka.connect.common.testing.TestKeyStores;
import com.healthcare.kafka.connect.common.testing.ValidateProbe;

/**
 * Every config mistake gets one clear message from PUT .../config/validate (issue 12): for each key of the
 * ConfigDef, a wrong value is put into an otherwise valid config and the error messages of all keys are counted.
 */
class OneMessagePerMistakeTest {

    static Stream<String> keys() {
        return ValidateProbe.keys(new Hl7SourceConnector());
    }

    static List<String> messages(Map<String, String> props) {
        return ValidateProbe.messages(new Hl7SourceConnector(), props);
    }

    @ParameterizedTest
    @MethodSource("keys")
    void aWrongValueGetsOneMessage(String name) {
        ValidateProbe.assertOneMessagePerMistake(new Hl7SourceConnector(), Map.of(), name);
    }

    @Test
    void aNonNumericPortIsReportedOnce() {
        Map<String, String> props = new HashMap<>();
        props.put("hl7.listener.port", "25x5");
        assertThat(messages(props)).containsExactly("hl7.listener.port: Invalid value 25x5 for configuration"
                + " hl7.listener.port: Not a number of type INT");
    }

    @Test
    void aSynonymsMistakeIsReportedOnce() {
        Map<String, String> props = new HashMap<>();
        props.put("port", "abc");
        assertThat(messages(props)).hasSize(1);
    }

    /** A key store whose private key has a password of its own (JKS): a wrong one is one message, on its key. */
    @Test
    void aWrongTlsKeyPasswordIsReportedOnceOnThatKey(@TempDir Path dir) throws Exception {
        String keystore = TestKeyStores.serverKeyStore(dir, "server", "JKS", "store-secret", "key-secret").toString();
        Map<String, String> props = new HashMap<>(Map.of("hl7.security.enabled", "true",
                "hl7.security.store.type", "JKS", "hl7.security.keystore.location", keystore,
                "hl7.security.keystore.password", "store-secret", "hl7.security.key.password", "key-secret"));
        assertThat(messages(props)).isEmpty();
        props.put("hl7.security.key.password", "not-the-key-secret");
        assertThat(messages(props)).singleElement().asString()
                .startsWith("hl7.security.key.password: Cannot recover the private key in " + keystore)
                .doesNotContain("not-the-key-secret");
        props.remove("hl7.security.key.password");
        assertThat(messages(props)).singleElement().asString()
                .startsWith("hl7.security.key.password: ").contains("set hl7.security.key.password");
    }
}
