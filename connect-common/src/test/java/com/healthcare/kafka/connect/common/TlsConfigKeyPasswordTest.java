package com.healthcare.kafka.connect.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.healthcare.kafka.connect.common.testing.TestKeyStores;

/**
 * A private key whose password differs from the key store's (JKS allows it): validation recovers the key with the
 * configured key password, as the key manager does at start, and reports a wrong one on the key password key.
 */
class TlsConfigKeyPasswordTest {

    private static final String STORE_PASSWORD = "store-secret";
    private static final String KEY_PASSWORD = "key-secret";
    private static final ConfigDef DEF = TlsConfig.define(new ConfigDef(), "x.tls.", "TLS", "the listener");

    @TempDir
    static Path dir;
    static String keystore;

    @BeforeAll
    static void generate() throws Exception {
        keystore = TestKeyStores.serverKeyStore(dir, "server", "JKS", STORE_PASSWORD, KEY_PASSWORD).toString();
    }

    private static Map<String, String> problems(String keyPassword) {
        Map<String, String> props = new HashMap<>(Map.of("x.tls.enabled", "true", "x.tls.store.type", "JKS",
                "x.tls.keystore.location", keystore, "x.tls.keystore.password", STORE_PASSWORD));
        if (keyPassword != null) {
            props.put("x.tls.key.password", keyPassword);
        }
        return TlsConfig.from(new AbstractConfig(DEF, props), "x.tls.").problems();
    }

    @Test
    void theRightKeyPasswordPasses() throws Exception {
        assertThat(problems(KEY_PASSWORD)).isEmpty();
        TlsConfig tls = TlsConfig.from(new AbstractConfig(DEF, Map.of("x.tls.enabled", "true", "x.tls.store.type",
                "JKS", "x.tls.keystore.location", keystore, "x.tls.keystore.password", STORE_PASSWORD,
                "x.tls.key.password", KEY_PASSWORD)), "x.tls.");
        assertThat(tls.serverContext()).isNotNull();
    }

    @Test
    void aWrongKeyPasswordIsOneMessageOnTheKeyPassword() {
        assertThat(problems("not-the-key-secret")).containsOnlyKeys("x.tls.key.password")
                .extractingByKey("x.tls.key.password").asString()
                .contains("Cannot recover the private key in " + keystore)
                .doesNotContain("not-the-key-secret").doesNotContain(STORE_PASSWORD);
    }

    @Test
    void aMissingKeyPasswordSaysToSetIt() {
        assertThat(problems(null)).containsOnlyKeys("x.tls.key.password")
                .extractingByKey("x.tls.key.password").asString()
                .contains("with the key store password").contains("set x.tls.key.password");
    }

    @Test
    void aWrongStorePasswordStaysOnTheKeyStore() {
        Map<String, String> props = Map.of("x.tls.enabled", "true", "x.tls.store.type", "JKS",
                "x.tls.keystore.location", keystore, "x.tls.keystore.password", "wrong",
                "x.tls.key.password", "also-wrong");
        assertThat(TlsConfig.from(new AbstractConfig(DEF, props), "x.tls.").problems())
                .containsOnlyKeys("x.tls.keystore.location");
    }
}
