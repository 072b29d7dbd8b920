package com.healthcare.kafka.connect.fhirclient.smart;

import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * Prints the JWKS (public part only) of the key a connector signs SMART client assertions with, to register with
 * the server's authorization service or to publish at the client's jwks_url:
 * <pre>
 * java -cp "PLUGIN_DIR/lib/*" com.healthcare.kafka.connect.fhirclient.smart.SmartJwks \
 *     --key-file /etc/kafka-connect/smart/key.pem --key-id my-key-2026 [--key-password P] [--key-alias A]
 * </pre>
 */
public final class SmartJwks {

    private SmartJwks() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--key-file") || !options.containsKey("--key-id")) {
            System.err.println("usage: SmartJwks --key-file FILE --key-id KID [--key-password P] [--key-alias A]");
            System.exit(2);
        }
        String password = options.get("--key-password");
        SigningKey key = SigningKey.load(Path.of(options.get("--key-file")),
                password == null ? null : password.toCharArray(), options.get("--key-alias"), null,
                options.get("--key-id"));
        System.out.println(jwks(key));
    }

    /** The public JWKS JSON of {@code key}. */
    public static String jwks(SigningKey key) {
        if (key.publicKey() == null) {
            throw new IllegalArgumentException("the public key is unknown: put its PUBLIC KEY or CERTIFICATE block "
                    + "in the PEM file beside the private key (openssl ec -in key.pem -pubout >> key.pem)");
        }
        JWK jwk;
        if (key.publicKey() instanceof RSAPublicKey rsa) {
            jwk = new RSAKey.Builder(rsa).keyID(key.keyId()).keyUse(KeyUse.SIGNATURE).algorithm(key.algorithm())
                    .build();
        } else {
            jwk = new ECKey.Builder(Curve.P_384, (ECPublicKey) key.publicKey()).keyID(key.keyId())
                    .keyUse(KeyUse.SIGNATURE).algorithm(key.algorithm()).build();
        }
        return new JWKSet(List.of(jwk)).toString(true);
    }
}
