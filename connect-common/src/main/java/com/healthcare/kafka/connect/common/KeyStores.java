package com.healthcare.kafka.connect.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Locale;

import org.apache.kafka.common.config.types.Password;

/**
 * Key and trust store files named by TLS settings: how they are opened, and the check a key manager makes at
 * start, so that validation can make it first.
 */
public final class KeyStores {

    private KeyStores() {
    }

    /** Opens the store at {@code location} as {@code type} (PKCS12 or JKS) with {@code password} (may be null). */
    public static KeyStore load(String location, String type, Password password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type.toUpperCase(Locale.ROOT));
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.value().toCharArray());
        }
        return store;
    }

    /**
     * Recovers every private key of {@code store} with {@code keyPassword} (null: empty), as
     * {@code KeyManagerFactory.init} will.
     *
     * @throws java.security.UnrecoverableKeyException when a key does not open with that password
     */
    public static void recoverKeys(KeyStore store, Password keyPassword) throws GeneralSecurityException {
        char[] chars = keyPassword == null ? new char[0] : keyPassword.value().toCharArray();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                store.getKey(alias, chars);
            }
        }
    }
}
