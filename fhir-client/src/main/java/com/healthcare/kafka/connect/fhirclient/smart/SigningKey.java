package com.healthcare.kafka.connect.fhirclient.smart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The private key that signs SMART Backend Services client assertions, its key id ({@code kid}, as published in
 * the client's JWKS) and the algorithm its type calls for: RS384 for RSA, ES384 for an EC key on P-384 (the two
 * SMART requires servers to support). Read from an unencrypted PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}), or
 * from a PKCS12 or JKS key store (by file extension; the key password opens both store and key).
 *
 * <p>The public key, needed only to publish a JWKS ({@link SmartJwks}), comes from the key itself for RSA, from a
 * {@code PUBLIC KEY} or {@code CERTIFICATE} block in the same PEM file for EC (openssl can write both), or from the
 * key store's certificate.
 */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey, JWSAlgorithm algorithm, String keyId) {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /**
     * Loads the key of {@code file}; {@code alias} picks an entry of a key store (null: its first key entry).
     * {@code algorithm} (RS384, ES384 or null for "from the key") must suit the key.
     */
    public static SigningKey load(Path file, char[] password, String alias, String algorithm, String keyId)
            throws IOException, GeneralSecurityException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        SigningKey key;
        if (name.endsWith(".p12") || name.endsWith(".pfx") || name.endsWith(".jks")) {
            key = fromKeyStore(file, name.endsWith(".jks") ? "JKS" : "PKCS12", password, alias, keyId);
        } else {
            key = fromPem(Files.readString(file, StandardCharsets.US_ASCII), keyId);
        }
        if (algorithm != null && !algorithm.isBlank()
                && !key.algorithm().getName().equalsIgnoreCase(algorithm.trim())) {
            throw new GeneralSecurityException("the key is " + key.privateKey().getAlgorithm() + ", which signs "
                    + key.algorithm() + ", not " + algorithm.trim());
        }
        return key;
    }

    static SigningKey fromPem(String pem, String keyId) throws GeneralSecurityException {
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> privateKey = pkcs8(der);
                case "PUBLIC KEY" -> publicKey = x509Public(der);
                case "CERTIFICATE" -> publicKey = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(der)).getPublicKey();
                case "ENCRYPTED PRIVATE KEY" -> throw new GeneralSecurityException("the PEM key is encrypted: use an "
                        + "unencrypted PKCS#8 file readable only by the worker, or a PKCS12 key store with a password");
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new GeneralSecurityException("the PEM key is in the "
                        + "traditional " + m.group(1) + " form: convert it to PKCS#8 with 'openssl pkcs8 -topk8 "
                        + "-nocrypt -in KEY -out key.pem'");
                default -> {
                    // other blocks (parameters) carry nothing we need
                }
            }
        }
        if (privateKey == null) {
            throw new GeneralSecurityException("no '-----BEGIN PRIVATE KEY-----' (PKCS#8) block");
        }
        return of(privateKey, publicKey, keyId);
    }

    static SigningKey fromKeyStore(Path file, String type, char[] password, String alias, String keyId)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        String entry = alias;
        if (entry == null || entry.isBlank()) {
            entry = Collections.list(store.aliases()).stream().filter(a -> {
                try {
                    return store.isKeyEntry(a);
                } catch (GeneralSecurityException e) {
                    return false;
                }
            }).findFirst().orElseThrow(() -> new GeneralSecurityException("the key store holds no private key"));
        }
        Key key = store.getKey(entry, password);
        if (!(key instanceof PrivateKey privateKey)) {
            throw new GeneralSecurityException("no private key under alias '" + entry + "'");
        }
        Certificate certificate = store.getCertificate(entry);
        return of(privateKey, certificate == null ? null : certificate.getPublicKey(), keyId);
    }

    private static SigningKey of(PrivateKey privateKey, PublicKey publicKey, String keyId)
            throws GeneralSecurityException {
        if (privateKey instanceof RSAPrivateCrtKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new GeneralSecurityException("the RSA key has " + rsa.getModulus().bitLength()
                        + " bits; SMART asks for at least 2048");
            }
            PublicKey derived = publicKey != null ? publicKey : KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new SigningKey(privateKey, derived, JWSAlgorithm.RS384, keyId);
        }
        if (privateKey instanceof ECPrivateKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits != 384) {
                throw new GeneralSecurityException("the EC key is on a " + bits + "-bit curve; ES384 needs P-384");
            }
            return new SigningKey(privateKey, publicKey, JWSAlgorithm.ES384, keyId);
        }
        throw new GeneralSecurityException("a " + privateKey.getAlgorithm() + " key cannot sign RS384 or ES384");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }

    private static PublicKey x509Public(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}
