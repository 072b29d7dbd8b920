package com.healthcare.kafka.connect.fhirclient;

import static com.healthcare.kafka.connect.common.CrossKeyProblems.add;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

import com.healthcare.kafka.connect.common.DescribedValidator;
import com.healthcare.kafka.connect.common.KeyStores;
import com.healthcare.kafka.connect.fhirclient.smart.SmartBackendConfig;

/**
 * The config fragment of a FHIR client (connection, TLS, retries, authentication), composed into each FHIR
 * connector's {@code ConfigDef} so the source and the sink take the same keys with the same docs and checks
 * ({@link #defineConnection}, {@link #defineAuth}, {@link #addProblems}), and build the same client from them
 * ({@link #httpSettings}, {@link #authenticator}).
 */
public final class FhirClientConfig {

    public static final String CONNECT_TIMEOUT_MS = "fhir.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "fhir.read.timeout.ms";
    public static final String GZIP_ENABLED = "fhir.http.gzip.enabled";
    public static final String TRUSTSTORE_LOCATION = "fhir.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "fhir.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "fhir.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "fhir.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "fhir.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "fhir.ssl.keystore.type";
    public static final String RETRY_BACKOFF_MS = "fhir.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "fhir.retry.backoff.max.ms";
    public static final String RETRY_MAX_ATTEMPTS = "fhir.retry.max.attempts";

    public static final String AUTH_TYPE = "fhir.auth.type";
    public static final String BEARER_TOKEN = "fhir.auth.bearer.token";
    public static final String BASIC_USERNAME = "fhir.auth.basic.username";
    public static final String BASIC_PASSWORD = "fhir.auth.basic.password";
    public static final String OAUTH_TOKEN_ENDPOINT = "fhir.auth.oauth.token.endpoint";
    public static final String OAUTH_CLIENT_ID = "fhir.auth.oauth.client.id";
    public static final String OAUTH_CLIENT_SECRET = "fhir.auth.oauth.client.secret";
    public static final String OAUTH_SCOPE = "fhir.auth.oauth.scope";
    public static final String OAUTH_CLIENT_AUTH_METHOD = "fhir.auth.oauth.client.auth.method";

    public static final String AUTH_NONE = "none";
    public static final String AUTH_BASIC = "basic";
    public static final String AUTH_BEARER = "bearer";
    public static final String AUTH_OAUTH2 = "oauth2";
    public static final String AUTH_SMART = "smart-backend";

    private final AbstractConfig config;

    private FhirClientConfig(AbstractConfig config) {
        this.config = config;
    }

    /** Reads the fragment's keys from a connector config whose ConfigDef includes them. */
    public static FhirClientConfig from(AbstractConfig config) {
        return new FhirClientConfig(config);
    }

    /** Connection, TLS and retry keys, appended to {@code group} after {@code order}; returns the last order. */
    public static int defineConnection(ConfigDef def, String group, int order) {
        def
                .define(CONNECT_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                        "Time allowed to open a TCP (and TLS) connection to the FHIR server or token endpoint.",
                        group, ++order, Width.SHORT, "Connect timeout (ms)")
                .define(READ_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(1), Importance.LOW,
                        "Time allowed for one response to arrive completely; a slower response counts as an I/O "
                                + "error and is retried with backoff.",
                        group, ++order, Width.SHORT, "Read timeout (ms)")
                .define(GZIP_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                        "Ask the server for gzip-compressed responses (Accept-Encoding: gzip).",
                        group, ++order, Width.SHORT, "gzip responses")
                .define(TRUSTSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                        "Trust store with the CA certificates of an https FHIR server or token endpoint signed by "
                                + "a private CA. Empty: the JVM's default trust store.",
                        group, ++order, Width.LONG, "Client trust store")
                .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of " + TRUSTSTORE_LOCATION + ".",
                        group, ++order, Width.MEDIUM, "Client trust store password")
                .define(TRUSTSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12",
                                "JKS"), Importance.LOW, "Type of " + TRUSTSTORE_LOCATION + ": PKCS12 or JKS.",
                        group, ++order, Width.SHORT, "Client trust store type")
                .define(KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                        "Key store with the client certificate and key presented to an https FHIR server that "
                                + "requires mutual TLS. Empty: no client certificate.",
                        group, ++order, Width.LONG, "Client key store")
                .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of " + KEYSTORE_LOCATION + " and of the key in it.",
                        group, ++order, Width.MEDIUM, "Client key store password")
                .define(KEYSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12",
                                "JKS"), Importance.LOW, "Type of " + KEYSTORE_LOCATION + ": PKCS12 or JKS.",
                        group, ++order, Width.SHORT, "Client key store type")
                .define(RETRY_BACKOFF_MS, Type.LONG, 500L, Range.atLeast(1), Importance.LOW,
                        "First wait before retrying a request that failed with 5xx or an I/O error; doubled on "
                                + "each attempt (with jitter) up to " + RETRY_BACKOFF_MAX_MS + ".",
                        group, ++order, Width.SHORT, "Retry backoff (ms)")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
                        "Longest wait between two attempts, also the cap on a server's Retry-After.",
                        group, ++order, Width.SHORT, "Max retry backoff (ms)")
                .define(RETRY_MAX_ATTEMPTS, Type.INT, 10, Range.atLeast(0), Importance.LOW,
                        "Retries of one request after 429, 5xx or an I/O error before the task gives up on it "
                                + "with the last error (nothing is lost: the work is tried again from the offsets).",
                        group, ++order, Width.SHORT, "Max retries");
        return order;
    }

    /** The authentication keys, in their own group. */
    public static void defineAuth(ConfigDef def, String group) {
        int order = 0;
        def
                .define(AUTH_TYPE, Type.STRING, AUTH_NONE,
                        ConfigDef.CaseInsensitiveValidString.in(AUTH_NONE, AUTH_BASIC, AUTH_BEARER, AUTH_OAUTH2,
                                AUTH_SMART),
                        Importance.HIGH, "Authentication: none, basic, bearer (a static token), oauth2 (client "
                                + "credentials grant with a client secret) or smart-backend (SMART Backend Services: "
                                + "client credentials with a signed JWT assertion). Tokens are cached, refreshed "
                                + "before they expire and after a 401.",
                        group, ++order, Width.SHORT, "Auth type", new AuthChoices())
                .define(BEARER_TOKEN, Type.PASSWORD, null, Importance.HIGH,
                        "Token sent as 'Authorization: Bearer ...' when " + AUTH_TYPE + "=bearer.",
                        group, ++order, Width.LONG, "Bearer token", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_BEARER))
                .define(BASIC_USERNAME, Type.STRING, null, Importance.HIGH,
                        "User name for " + AUTH_TYPE + "=basic.",
                        group, ++order, Width.MEDIUM, "Basic user", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_BASIC))
                .define(BASIC_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                        "Password for " + AUTH_TYPE + "=basic.",
                        group, ++order, Width.MEDIUM, "Basic password", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_BASIC))
                .define(OAUTH_TOKEN_ENDPOINT, Type.STRING, null, httpUrlValidator(true), Importance.HIGH,
                        "OAuth2 token endpoint for " + AUTH_TYPE + "=oauth2 (client credentials grant).",
                        group, ++order, Width.LONG, "OAuth2 token endpoint", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_OAUTH2))
                .define(OAUTH_CLIENT_ID, Type.STRING, null, Importance.HIGH,
                        "OAuth2 client id.",
                        group, ++order, Width.MEDIUM, "OAuth2 client id", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_OAUTH2))
                .define(OAUTH_CLIENT_SECRET, Type.PASSWORD, null, Importance.HIGH,
                        "OAuth2 client secret.",
                        group, ++order, Width.MEDIUM, "OAuth2 client secret", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_OAUTH2))
                .define(OAUTH_SCOPE, Type.STRING, null, Importance.MEDIUM,
                        "Scope(s) requested with the token, space separated, e.g. 'system/*.read'.",
                        group, ++order, Width.MEDIUM, "OAuth2 scope", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_OAUTH2))
                .define(OAUTH_CLIENT_AUTH_METHOD, Type.STRING, "client_secret_basic",
                        ConfigDef.CaseInsensitiveValidString.in("client_secret_basic", "client_secret_post"),
                        Importance.LOW, "How the client authenticates to the token endpoint: client_secret_basic "
                                + "(HTTP Basic, which RFC 6749 servers must support) or client_secret_post (in the "
                                + "form body).",
                        group, ++order, Width.MEDIUM, "OAuth2 client auth", List.of(AUTH_TYPE),
                        new AuthVisible(AUTH_OAUTH2));
        SmartBackendConfig.define(def, group, order, new AuthVisible(AUTH_SMART));
    }

    /**
     * Cross-field problems of the fragment's keys in canonical raw properties (credentials the chosen auth type
     * needs, unreadable stores), added to {@code problems} under the key they belong to.
     */
    public static void addProblems(Map<String, String> props, Map<String, List<String>> problems) {
        String authType = lower(props.getOrDefault(AUTH_TYPE, AUTH_NONE));
        switch (authType) {
            case AUTH_BASIC -> {
                requireValue(problems, props, BASIC_USERNAME, "is required when " + AUTH_TYPE + "=basic");
                requireValue(problems, props, BASIC_PASSWORD, "is required when " + AUTH_TYPE + "=basic");
            }
            case AUTH_BEARER -> requireValue(problems, props, BEARER_TOKEN,
                    "is required when " + AUTH_TYPE + "=bearer");
            case AUTH_OAUTH2 -> {
                requireValue(problems, props, OAUTH_TOKEN_ENDPOINT, "is required when " + AUTH_TYPE
                        + "=oauth2: the client credentials grant needs the token endpoint URL");
                requireValue(problems, props, OAUTH_CLIENT_ID, "is required when " + AUTH_TYPE + "=oauth2");
                requireValue(problems, props, OAUTH_CLIENT_SECRET, "is required when " + AUTH_TYPE + "=oauth2");
            }
            case AUTH_SMART -> SmartBackendConfig.addProblems(props, problems);
            default -> {
            }
        }
        storeProblems(props, problems, TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD);
        storeProblems(props, problems, KEYSTORE_LOCATION, KEYSTORE_TYPE, KEYSTORE_PASSWORD);
    }

    /**
     * A store that cannot be read or opened is reported on its location; a client key that does not open with the
     * key store password (the client's key manager uses that one for the key too) on the password. A store type
     * that its own validator rejects is left to it.
     */
    private static void storeProblems(Map<String, String> props, Map<String, List<String>> problems,
                                      String locationKey, String typeKey, String passwordKey) {
        String file = props.get(locationKey);
        if (file == null || file.isBlank()) {
            return;
        }
        if (!Files.isReadable(Path.of(file.trim()))) {
            add(problems, locationKey, "cannot read the file " + file);
            return;
        }
        String type = props.getOrDefault(typeKey, "PKCS12").trim();
        if (!type.equalsIgnoreCase("PKCS12") && !type.equalsIgnoreCase("JKS")) {
            return;
        }
        String secret = props.get(passwordKey);
        Password password = secret == null ? null : new Password(secret);
        KeyStore store;
        try {
            store = KeyStores.load(file.trim(), type, password);
        } catch (IOException | GeneralSecurityException e) {
            add(problems, locationKey, "cannot open " + file + " as a " + type.toUpperCase(Locale.ROOT)
                    + " store (wrong password or type?): " + e.getClass().getSimpleName());
            return;
        }
        if (locationKey.equals(KEYSTORE_LOCATION)) {
            try {
                KeyStores.recoverKeys(store, password);
            } catch (GeneralSecurityException e) {
                add(problems, passwordKey, "opens " + file + " but not the private key in it: the client key "
                        + "must have the key store's password");
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------
    // Building the client
    // ----------------------------------------------------------------------------------------------------

    /** Transport settings with {@code maxInFlight} concurrent requests; loads the trust and key stores. */
    public HttpSettings httpSettings(int maxInFlight) {
        return new HttpSettings(Duration.ofMillis(config.getInt(CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(config.getInt(READ_TIMEOUT_MS)), config.getBoolean(GZIP_ENABLED),
                new Backoff(retryBackoffMs(), retryBackoffMaxMs()), config.getInt(RETRY_MAX_ATTEMPTS), maxInFlight,
                sslContext());
    }

    /** The Authorization source the configured auth type calls for; OAuth2 fetches tokens through {@code jdk}. */
    public Authenticator authenticator(HttpClient jdk, HttpSettings settings) {
        return authenticator(jdk, settings, null);
    }

    /**
     * As {@link #authenticator(HttpClient, HttpSettings)}, with the FHIR server's base URL, where SMART discovery
     * finds the token endpoint when none is configured.
     */
    public Authenticator authenticator(HttpClient jdk, HttpSettings settings, String fhirBase) {
        switch (authType()) {
            case AUTH_BASIC -> {
                String user = config.getString(BASIC_USERNAME);
                String pair = user + ":" + config.getPassword(BASIC_PASSWORD).value();
                return Authenticator.fixed("Basic " + Base64.getEncoder().encodeToString(
                        pair.getBytes(StandardCharsets.UTF_8)), "basic credentials of user '" + user
                        + "' were refused");
            }
            case AUTH_BEARER -> {
                return Authenticator.fixed("Bearer " + config.getPassword(BEARER_TOKEN).value().trim(),
                        "the configured bearer token (" + BEARER_TOKEN + ") was refused; it may have expired");
            }
            case AUTH_SMART -> {
                return SmartBackendConfig.authenticator(config, jdk, settings, fhirBase);
            }
            case AUTH_OAUTH2 -> {
                return new OAuth2ClientCredentials(jdk, settings, config.getString(OAUTH_TOKEN_ENDPOINT),
                        config.getString(OAUTH_CLIENT_ID), config.getPassword(OAUTH_CLIENT_SECRET).value(),
                        config.getString(OAUTH_SCOPE),
                        "client_secret_post".equalsIgnoreCase(config.getString(OAUTH_CLIENT_AUTH_METHOD)),
                        Clock.systemUTC());
            }
            default -> {
                return Authenticator.none();
            }
        }
    }

    public String authType() {
        return lower(config.getString(AUTH_TYPE));
    }

    public long retryBackoffMs() {
        return config.getLong(RETRY_BACKOFF_MS);
    }

    /** Never below the first backoff. */
    public long retryBackoffMaxMs() {
        return Math.max(config.getLong(RETRY_BACKOFF_MAX_MS), config.getLong(RETRY_BACKOFF_MS));
    }

    public int retryMaxAttempts() {
        return config.getInt(RETRY_MAX_ATTEMPTS);
    }

    /** The client's TLS context from the configured stores, or null for the JVM default. */
    SSLContext sslContext() {
        String truststore = blankToNull(config.getString(TRUSTSTORE_LOCATION));
        String keystore = blankToNull(config.getString(KEYSTORE_LOCATION));
        if (truststore == null && keystore == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (truststore != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(TRUSTSTORE_LOCATION, truststore, config.getString(TRUSTSTORE_TYPE),
                        config.getPassword(TRUSTSTORE_PASSWORD)));
            }
            KeyManagerFactory kmf = null;
            if (keystore != null) {
                Password password = config.getPassword(KEYSTORE_PASSWORD);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(KEYSTORE_LOCATION, keystore, config.getString(KEYSTORE_TYPE), password),
                        password == null ? new char[0] : password.value().toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConnectException("Cannot set up TLS from " + TRUSTSTORE_LOCATION + "/" + KEYSTORE_LOCATION
                    + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String key, String file, String type, Password password) {
        try {
            return KeyStores.load(file, type, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConnectException("Cannot load " + key + " " + file + ": " + e.getMessage(), e);
        }
    }

    // ----------------------------------------------------------------------------------------------------
    // Validators and recommenders
    // ----------------------------------------------------------------------------------------------------

    /** An absolute http(s) URL with a host (or, when {@code optional}, empty). */
    public static ConfigDef.Validator httpUrlValidator(boolean optional) {
        return DescribedValidator.of("absolute http(s) URL" + (optional ? " or empty" : ""), (name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty()) {
                if (optional) {
                    return;
                }
                throw new ConfigException(name, value, "must be an http(s) URL, e.g. https://fhir.example.org/fhir");
            }
            try {
                URI uri = new URI(s);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw new ConfigException(name, s, "must be an absolute http(s) URL with a host name");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, s, "is not a valid URL: " + e.getReason());
            }
        });
    }

    private static void requireValue(Map<String, List<String>> problems, Map<String, String> props, String key,
                                     String message) {
        String value = props.get(key);
        if (value == null || value.isBlank()) {
            add(problems, key, message);
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static final class AuthChoices implements ConfigDef.Recommender {
        @Override
        public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
            return new ArrayList<>(List.of(AUTH_NONE, AUTH_BASIC, AUTH_BEARER, AUTH_OAUTH2, AUTH_SMART));
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsedConfig) {
            return true;
        }
    }

    private static final class AuthVisible implements ConfigDef.Recommender {
        private final String authType;

        AuthVisible(String authType) {
            this.authType = authType;
        }

        @Override
        public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
            return new ArrayList<>();
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsedConfig) {
            Object type = parsedConfig.get(AUTH_TYPE);
            return type != null && authType.equalsIgnoreCase(type.toString());
        }
    }
}
