package com.healthcare.kafka.connect.fhirclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.healthcare.kafka.connect.common.testing.TestKeyStores;

class FhirClientConfigTest {

    private static final ConfigDef DEF = def();

    private static ConfigDef def() {
        ConfigDef def = new ConfigDef();
        FhirClientConfig.defineConnection(def, "Server", 0);
        FhirClientConfig.defineAuth(def, "Auth");
        return def;
    }

    private static Map<String, List<String>> problems(Map<String, String> props) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        FhirClientConfig.addProblems(props, problems);
        return problems;
    }

    @Test
    void eachMissingCredentialIsReportedOnItsOwnKey() {
        assertThat(problems(Map.of("fhir.auth.type", "basic", "fhir.auth.basic.username", "u")))
                .containsOnlyKeys("fhir.auth.basic.password");
        assertThat(problems(Map.of("fhir.auth.type", "OAUTH2")))
                .containsOnlyKeys("fhir.auth.oauth.token.endpoint", "fhir.auth.oauth.client.id",
                        "fhir.auth.oauth.client.secret");
        assertThat(problems(Map.of("fhir.auth.type", "bearer"))).containsOnlyKeys("fhir.auth.bearer.token");
        assertThat(problems(Map.of())).isEmpty();
    }

    @Test
    void unreadableStoresAreNamed() {
        Map<String, List<String>> problems = problems(Map.of("fhir.ssl.truststore.location", "/no/such/trust.p12",
                "fhir.ssl.keystore.location", "/no/such/key.p12"));
        assertThat(problems.get("fhir.ssl.truststore.location")).containsExactly("cannot read the file "
                + "/no/such/trust.p12");
        assertThat(problems.get("fhir.ssl.keystore.location")).hasSize(1);
    }

    @Test
    void storesAreOpenedAndTheClientKeyRecoveredDuringValidation(@TempDir Path dir) throws Exception {
        String keystore = TestKeyStores.serverKeyStore(dir, "client", "PKCS12", "changeit", "changeit").toString();
        assertThat(problems(Map.of("fhir.ssl.keystore.location", keystore, "fhir.ssl.keystore.password",
                "changeit"))).isEmpty();
        Map<String, List<String>> wrong = problems(Map.of("fhir.ssl.keystore.location", keystore,
                "fhir.ssl.keystore.password", "wrong"));
        assertThat(wrong).containsOnlyKeys("fhir.ssl.keystore.location");
        assertThat(wrong.get("fhir.ssl.keystore.location")).singleElement().asString()
                .startsWith("cannot open " + keystore + " as a PKCS12 store (wrong password or type?)");
        assertThat(problems(Map.of("fhir.ssl.truststore.location", keystore, "fhir.ssl.truststore.password",
                "wrong"))).containsOnlyKeys("fhir.ssl.truststore.location");

        // The client's key manager opens the key with the key store password: a key of its own password fails.
        String twoPasswords = TestKeyStores.serverKeyStore(dir, "two", "JKS", "store-secret", "key-secret")
                .toString();
        Map<String, List<String>> keyProblems = problems(Map.of("fhir.ssl.keystore.location", twoPasswords,
                "fhir.ssl.keystore.type", "JKS", "fhir.ssl.keystore.password", "store-secret"));
        assertThat(keyProblems).containsOnlyKeys("fhir.ssl.keystore.password");
        assertThat(keyProblems.get("fhir.ssl.keystore.password")).singleElement().asString()
                .contains("not the private key").doesNotContain("store-secret");
        FhirClientConfig failing = FhirClientConfig.from(new AbstractConfig(DEF, Map.of(
                "fhir.ssl.keystore.location", twoPasswords, "fhir.ssl.keystore.type", "JKS",
                "fhir.ssl.keystore.password", "store-secret")));
        assertThatThrownBy(() -> failing.httpSettings(1)).isInstanceOf(ConnectException.class);
    }

    @Test
    void buildsTheConfiguredAuthorization() throws Exception {
        FhirClientConfig basic = FhirClientConfig.from(new AbstractConfig(DEF, Map.of("fhir.auth.type", "basic",
                "fhir.auth.basic.username", "alice", "fhir.auth.basic.password", "s3cret")));
        HttpSettings settings = basic.httpSettings(3);
        assertThat(settings.maxInFlight()).isEqualTo(3);
        assertThat(settings.sslContext()).isNull();
        assertThat(basic.authenticator(null, settings).authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0");

        FhirClientConfig bearer = FhirClientConfig.from(new AbstractConfig(DEF, Map.of("fhir.auth.type", "bearer",
                "fhir.auth.bearer.token", " tok ")));
        assertThat(bearer.authenticator(null, settings).authorization()).isEqualTo("Bearer tok");
        assertThat(FhirClientConfig.from(new AbstractConfig(DEF, Map.of())).authenticator(null, settings)
                .authorization()).isNull();
    }

    @Test
    void backoffMaxIsNeverBelowTheFirstBackoff() {
        FhirClientConfig config = FhirClientConfig.from(new AbstractConfig(DEF, Map.of("fhir.retry.backoff.ms", "900",
                "fhir.retry.backoff.max.ms", "100")));
        assertThat(config.retryBackoffMaxMs()).isEqualTo(900);
    }

    @Test
    void aStoreThatCannotBeLoadedFailsWithItsKey() {
        FhirClientConfig config = FhirClientConfig.from(new AbstractConfig(DEF, Map.of(
                "fhir.ssl.truststore.location", "/no/such/trust.p12")));
        assertThatThrownBy(() -> config.httpSettings(1)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("fhir.ssl.truststore.location");
    }
}
