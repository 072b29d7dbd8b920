package com.healthcare.kafka.connect.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * A reusable TLS fragment (Aiven-style): the same keys under a plugin-specific prefix, for example
 * {@code hl7.security.} for the MLLP listener. Passwords are {@link Type#PASSWORD}, so they are masked by the
 * REST API and work with config providers such as {@code ${file:...}}.
 */
public final class TlsConfig {

    public static final String ENABLED = "enabled";
    public static final String STORE_TYPE = "store.type";
    public static final String KEYSTORE_LOCATION = "keystore.location";
    public static final String KEYSTORE_PASSWORD = "keystore.password";
    public static final String KEY_PASSWORD = "key.password";
    public static final String TRUSTSTORE_LOCATION = "truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "truststore.password";
    public static final String CLIENT_AUTH = "client.auth";
    public static final String PROTOCOLS = "protocols";

    /** Client certificate policy of a TLS server socket. */
    public enum ClientAuth { NONE, REQUESTED, REQUIRED }

    private final String prefix;
    private final boolean enabled;
    private final String storeType;
    private final String keystoreLocation;
    private final Password keystorePassword;
    private final Password keyPassword;
    private final String truststoreLocation;
    private final Password truststorePassword;
    private final ClientAuth clientAuth;
    private final List<String> protocols;

    private TlsConfig(String prefix, AbstractConfig config) {
        this.prefix = prefix;
        this.enabled = config.getBoolean(prefix + ENABLED);
        this.storeType = config.getString(prefix + STORE_TYPE);
        this.keystoreLocation = config.getString(prefix + KEYSTORE_LOCATION);
        this.keystorePassword = config.getPassword(prefix + KEYSTORE_PASSWORD);
        this.keyPassword = config.getPassword(prefix + KEY_PASSWORD);
        this.truststoreLocation = config.getString(prefix + TRUSTSTORE_LOCATION);
        this.truststorePassword = config.getPassword(prefix + TRUSTSTORE_PASSWORD);
        this.clientAuth = ClientAuth.valueOf(config.getString(prefix + CLIENT_AUTH).toUpperCase(Locale.ROOT));
        this.protocols = config.getList(prefix + PROTOCOLS);
    }

    /** Reads the fragment defined by {@link #define(ConfigDef, String, String, String)} from a parsed config. */
    public static TlsConfig from(AbstractConfig config, String prefix) {
        return new TlsConfig(prefix, config);
    }

    /**
     * Adds the TLS keys under {@code prefix} to {@code def}.
     *
     * @param what what the TLS protects, for the docs (e.g. "the MLLP listener")
     */
    public static ConfigDef define(ConfigDef def, String prefix, String group, String what) {
        int order = 0;
        return def
                .define(prefix + ENABLED, Type.BOOLEAN, false, Importance.HIGH,
                        "Whether " + what + " uses TLS. When true, " + prefix + KEYSTORE_LOCATION + " is required.",
                        group, ++order, Width.SHORT, "TLS enabled")
                .define(prefix + STORE_TYPE, Type.STRING, "PKCS12",
                        ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"), Importance.MEDIUM,
                        "Type of the key store and trust store files: PKCS12 or JKS.",
                        group, ++order, Width.SHORT, "Store type")
                .define(prefix + KEYSTORE_LOCATION, Type.STRING, null, Importance.HIGH,
                        "Path of the key store holding the server certificate and private key of " + what + ".",
                        group, ++order, Width.LONG, "Key store location")
                .define(prefix + KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                        "Password of the key store. Use a config provider, e.g. ${file:/path:keystore_password}.",
                        group, ++order, Width.MEDIUM, "Key store password")
                .define(prefix + KEY_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of the private key, if it differs from the key store password.",
                        group, ++order, Width.MEDIUM, "Key password")
                .define(prefix + TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                        "Path of the trust store with the CA certificates that client certificates must chain to. "
                                + "Needed when " + prefix + CLIENT_AUTH + " is requested or required.",
                        group, ++order, Width.LONG, "Trust store location")
                .define(prefix + TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of the trust store.",
                        group, ++order, Width.MEDIUM, "Trust store password")
                .define(prefix + CLIENT_AUTH, Type.STRING, "none",
                        ConfigDef.CaseInsensitiveValidString.in("none", "requested", "required"), Importance.MEDIUM,
                        "Client certificate policy (mutual TLS): none, requested, or required (a client without a "
                                + "trusted certificate is refused).",
                        group, ++order, Width.SHORT, "Client auth")
                .define(prefix + PROTOCOLS, Type.LIST, "TLSv1.3,TLSv1.2", Importance.LOW,
                        "TLS protocol versions to enable.",
                        group, ++order, Width.MEDIUM, "TLS protocols");
    }

    public boolean enabled() {
        return enabled;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    public List<String> protocols() {
        return protocols;
    }

    /**
     * Problems with the TLS settings, keyed by config name, for the REST validate endpoint. Empty when TLS is
     * disabled or everything loads. Messages never contain passwords.
     */
    public Map<String, String> problems() {
        Map<String, String> problems = new LinkedHashMap<>();
        if (!enabled) {
            return problems;
        }
        if (keystoreLocation == null || keystoreLocation.isBlank()) {
            problems.put(prefix + KEYSTORE_LOCATION, "Required when " + prefix + ENABLED + " is true");
        } else {
            String error = loadError(keystoreLocation, keystorePassword);
            if (error != null) {
                problems.put(prefix + KEYSTORE_LOCATION, error);
            } else {
                String keyError = keyError();
                if (keyError != null) {
                    problems.put(prefix + KEY_PASSWORD, keyError);
                }
            }
        }
        if (clientAuth != ClientAuth.NONE) {
            if (truststoreLocation == null || truststoreLocation.isBlank()) {
                problems.put(prefix + TRUSTSTORE_LOCATION,
                        "Required when " + prefix + CLIENT_AUTH + " is " + clientAuth.name().toLowerCase(Locale.ROOT));
            }
        }
        if (truststoreLocation != null && !truststoreLocation.isBlank()) {
            String error = loadError(truststoreLocation, truststorePassword);
            if (error != null) {
                problems.put(prefix + TRUSTSTORE_LOCATION, error);
            }
        }
        return problems;
    }

    private String loadError(String location, Password password) {
        Path path = Path.of(location);
        if (!Files.isReadable(path)) {
            return "Cannot read the file " + location;
        }
        try {
            load(location, password);
            return null;
        } catch (IOException | GeneralSecurityException e) {
            return "Cannot open " + location + " as a " + storeType + " store (wrong password or type?): "
                    + e.getClass().getSimpleName();
        }
    }

    /**
     * Whether every private key of the key store (which opened) is recovered with the key password, as the key
     * manager will do at start: a wrong key password otherwise passes validation and fails every task.
     */
    private String keyError() {
        try {
            KeyStores.recoverKeys(load(keystoreLocation, keystorePassword),
                    keyPassword != null ? keyPassword : keystorePassword);
            return null;
        } catch (UnrecoverableKeyException e) {
            return keyPassword != null
                    ? "Cannot recover the private key in " + keystoreLocation + " with this password"
                    : "Cannot recover the private key in " + keystoreLocation + " with the key store password: "
                            + "set " + prefix + KEY_PASSWORD;
        } catch (IOException | GeneralSecurityException e) {
            return "Cannot read the private key in " + keystoreLocation + ": " + e.getClass().getSimpleName();
        }
    }

    private KeyStore load(String location, Password password) throws IOException, GeneralSecurityException {
        return KeyStores.load(location, storeType, password);
    }

    /** Builds the server-side SSL context. Call only when {@link #enabled()}. */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore keyStore = load(keystoreLocation, keystorePassword);
        Password keyPass = keyPassword != null ? keyPassword : keystorePassword;
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, keyPass == null ? new char[0] : keyPass.value().toCharArray());

        TrustManagerFactory tmf = null;
        if (truststoreLocation != null && !truststoreLocation.isBlank()) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(truststoreLocation, truststorePassword));
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return context;
    }

    /** Server-side parameters: protocols and the client certificate policy. */
    public SSLParameters serverParameters(SSLContext context) {
        SSLParameters params = context.getDefaultSSLParameters();
        params.setProtocols(protocols.toArray(new String[0]));
        switch (clientAuth) {
            case REQUIRED -> params.setNeedClientAuth(true);
            case REQUESTED -> params.setWantClientAuth(true);
            default -> {
                params.setNeedClientAuth(false);
                params.setWantClientAuth(false);
            }
        }
        return params;
    }
}
