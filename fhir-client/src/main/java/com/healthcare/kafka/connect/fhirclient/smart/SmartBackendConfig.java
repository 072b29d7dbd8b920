package com.healthcare.kafka.connect.fhirclient.smart;

import static com.healthcare.kafka.connect.common.CrossKeyProblems.add;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

import com.healthcare.kafka.connect.common.DescribedValidator;
import com.healthcare.kafka.connect.fhirclient.Authenticator;
import com.healthcare.kafka.connect.fhirclient.FhirClientConfig;
import com.healthcare.kafka.connect.fhirclient.HttpSettings;
import com.healthcare.kafka.connect.fhirclient.OAuth2ClientCredentials;

/**
 * The keys of {@code fhir.auth.type=smart-backend} (SMART Backend Services: the client credentials grant with a
 * signed JWT client assertion), part of the FHIR client's auth fragment, and the authenticator built from them.
 */
public final class SmartBackendConfig {

    public static final String CLIENT_ID = "fhir.auth.smart.client.id";
    public static final String TOKEN_ENDPOINT = "fhir.auth.smart.token.endpoint";
    public static final String SCOPE = "fhir.auth.smart.scope";
    public static final String KEY_FILE = "fhir.auth.smart.key.file";
    public static final String KEY_PASSWORD = "fhir.auth.smart.key.password";
    public static final String KEY_ALIAS = "fhir.auth.smart.key.alias";
    public static final String KEY_ID = "fhir.auth.smart.key.id";
    public static final String ALGORITHM = "fhir.auth.smart.algorithm";

    private SmartBackendConfig() {
    }

    /** Appends the SMART keys to {@code group} after {@code order}, visible when the auth type is smart-backend. */
    public static int define(ConfigDef def, String group, int order, ConfigDef.Recommender visible) {
        List<String> dependents = List.of(FhirClientConfig.AUTH_TYPE);
        def
                .define(CLIENT_ID, Type.STRING, null, Importance.HIGH,
                        "The client id the FHIR server's authorization service registered for this backend; the "
                                + "iss and sub of every client assertion.",
                        group, ++order, Width.MEDIUM, "SMART client id", dependents, visible)
                .define(TOKEN_ENDPOINT, Type.STRING, null, FhirClientConfig.httpUrlValidator(true),
                        Importance.MEDIUM, "The token endpoint (the aud of every client assertion). Empty: read "
                                + "from [fhir.url]/.well-known/smart-configuration at the first token request.",
                        group, ++order, Width.LONG, "SMART token endpoint", dependents, visible)
                .define(SCOPE, Type.STRING, "system/*.read", Importance.HIGH,
                        "Scopes requested, space separated: 'system/*.read', 'system/Patient.rs "
                                + "system/Observation.rs' (SMART v2) ...",
                        group, ++order, Width.MEDIUM, "SMART scope", dependents, visible)
                .define(KEY_FILE, Type.STRING, null, Importance.HIGH,
                        "The private key that signs client assertions: an unencrypted PKCS#8 PEM file (BEGIN "
                                + "PRIVATE KEY; keep it readable only by the worker) or a PKCS12 (.p12, .pfx) or JKS "
                                + "(.jks) key store. RSA (2048 bits or more) signs RS384, an EC P-384 key ES384.",
                        group, ++order, Width.LONG, "SMART signing key", dependents, visible)
                .define(KEY_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of the key store and of the key in it (" + KEY_FILE + " as .p12/.pfx/.jks).",
                        group, ++order, Width.MEDIUM, "SMART key password", dependents, visible)
                .define(KEY_ALIAS, Type.STRING, null, Importance.LOW,
                        "Alias of the key in the key store. Empty: its first private key.",
                        group, ++order, Width.MEDIUM, "SMART key alias", dependents, visible)
                .define(KEY_ID, Type.STRING, null, Importance.HIGH,
                        "The key id (kid) of the key in the JWKS registered for the client; sent in the header of "
                                + "every assertion.",
                        group, ++order, Width.MEDIUM, "SMART key id", dependents, visible)
                .define(ALGORITHM, Type.STRING, null, DescribedValidator.of("RS384, ES384 or empty", (name, value) -> {
                    if (value != null && !value.toString().isBlank()
                            && !List.of("RS384", "ES384").contains(value.toString().trim().toUpperCase())) {
                        throw new ConfigException(name, value, "must be RS384 or ES384");
                    }
                }), Importance.LOW,
                        "Signature algorithm: RS384 or ES384. Empty: the one the key's type calls for.",
                        group, ++order, Width.SHORT, "SMART algorithm", dependents, visible);
        return order;
    }

    /** Problems of the SMART keys (required values, a key that does not load), one per mistake. */
    public static void addProblems(Map<String, String> props, Map<String, List<String>> problems) {
        for (String key : List.of(CLIENT_ID, KEY_FILE, KEY_ID)) {
            String value = props.get(key);
            if (value == null || value.isBlank()) {
                add(problems, key, "is required when " + FhirClientConfig.AUTH_TYPE + "=smart-backend");
            }
        }
        String file = props.get(KEY_FILE);
        if (file == null || file.isBlank()) {
            return;
        }
        Path path = Path.of(file.trim());
        if (!Files.isReadable(path)) {
            add(problems, KEY_FILE, "cannot read the file " + file);
            return;
        }
        String password = props.get(KEY_PASSWORD);
        try {
            SigningKey.load(path, password == null ? null : password.toCharArray(), props.get(KEY_ALIAS),
                    props.get(ALGORITHM), props.get(KEY_ID));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            add(problems, KEY_FILE, "cannot use the key in " + file + ": " + e.getMessage());
        }
    }

    /**
     * The SMART Backend Services authenticator: tokens from the configured or discovered endpoint ({@code fhirBase}
     * is where discovery looks), cached and refreshed like any client credentials token.
     */
    public static Authenticator authenticator(AbstractConfig config, HttpClient jdk, HttpSettings settings,
                                              String fhirBase) {
        Password password = config.getPassword(KEY_PASSWORD);
        SigningKey key;
        try {
            key = SigningKey.load(Path.of(config.getString(KEY_FILE).trim()),
                    password == null ? null : password.value().toCharArray(), config.getString(KEY_ALIAS),
                    config.getString(ALGORITHM), config.getString(KEY_ID));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConnectException("Cannot load the SMART signing key " + config.getString(KEY_FILE) + ": "
                    + e.getMessage(), e);
        }
        String configured = config.getString(TOKEN_ENDPOINT);
        Supplier<URI> endpoint = configured != null && !configured.isBlank()
                ? () -> URI.create(configured.trim())
                : () -> {
                    if (fhirBase == null) {
                        throw new ConnectException("Set " + TOKEN_ENDPOINT + ": no FHIR base URL to discover it from");
                    }
                    return SmartDiscovery.tokenEndpoint(jdk, fhirBase, settings.readTimeout());
                };
        return new OAuth2ClientCredentials(jdk, settings, endpoint,
                new JwtClientAssertion(config.getString(CLIENT_ID), key, Clock.systemUTC()),
                config.getString(SCOPE), Clock.systemUTC());
    }
}
