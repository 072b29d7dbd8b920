package com.healthcare.kafka.connect.it.hl7;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA with a server certificate (127.0.0.1, localhost) and a client certificate, written as key and
 * trust stores of the requested type, generated with Bouncy Castle.
 */
final class TestCertificates {

    static final String PASSWORD = "test-store-secret";
    static final String KEY_PASSWORD = "test-key-secret";

    final Path serverKeyStore;
    final Path serverTrustStore;
    final String storeType;
    private final KeyStore clientKeys;
    private final KeyStore clientTrust;

    private TestCertificates(Path serverKeyStore, Path serverTrustStore, String storeType, KeyStore clientKeys,
                             KeyStore clientTrust) {
        this.serverKeyStore = serverKeyStore;
        this.serverTrustStore = serverTrustStore;
        this.storeType = storeType;
        this.clientKeys = clientKeys;
        this.clientTrust = clientTrust;
    }

    static TestCertificates generate(Path dir, String storeType) throws Exception {
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair caKeys = generator.generateKeyPair();
        X500Name caName = new X500Name("CN=Test HL7 CA");
        X509Certificate ca = sign(caName, caKeys.getPrivate(), caName, caKeys, true, null);

        KeyPair serverKeys = generator.generateKeyPair();
        X509Certificate server = sign(caName, caKeys.getPrivate(), new X500Name("CN=localhost"), serverKeys, false,
                KeyPurposeId.id_kp_serverAuth);
        KeyPair clientKeyPair = generator.generateKeyPair();
        X509Certificate client = sign(caName, caKeys.getPrivate(), new X500Name("CN=hl7-sender"), clientKeyPair,
                false, KeyPurposeId.id_kp_clientAuth);

        KeyStore serverKeyStore = KeyStore.getInstance(storeType);
        serverKeyStore.load(null, null);
        serverKeyStore.setKeyEntry("server", serverKeys.getPrivate(), KEY_PASSWORD.toCharArray(),
                new X509Certificate[] {server, ca});
        KeyStore trust = KeyStore.getInstance(storeType);
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        String suffix = storeType.equalsIgnoreCase("JKS") ? ".jks" : ".p12";
        Path keyStorePath = dir.resolve("hl7-keystore" + suffix);
        Path trustStorePath = dir.resolve("hl7-truststore" + suffix);
        try (OutputStream out = Files.newOutputStream(keyStorePath)) {
            serverKeyStore.store(out, PASSWORD.toCharArray());
        }
        try (OutputStream out = Files.newOutputStream(trustStorePath)) {
            trust.store(out, PASSWORD.toCharArray());
        }

        KeyStore clientKeys = KeyStore.getInstance("PKCS12");
        clientKeys.load(null, null);
        clientKeys.setKeyEntry("client", clientKeyPair.getPrivate(), PASSWORD.toCharArray(),
                new X509Certificate[] {client, ca});
        KeyStore clientTrust = KeyStore.getInstance("PKCS12");
        clientTrust.load(null, null);
        clientTrust.setCertificateEntry("ca", ca);
        return new TestCertificates(keyStorePath, trustStorePath, storeType, clientKeys, clientTrust);
    }

    private static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, X500Name subject, KeyPair keys,
                                        boolean ca, KeyPurposeId purpose) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    /** A client context trusting the CA, with the client certificate or without any. */
    SSLContext clientContext(boolean withCertificate) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(clientTrust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(clientKeys, PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
