package com.healthcare.kafka.connect.fhirclient.smart;

import java.net.URI;
import java.net.http.HttpRequest;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.healthcare.kafka.connect.fhirclient.ClientAuthentication;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * SMART Backend Services client authentication (RFC 7523 {@code private_key_jwt}): every token request carries a
 * newly signed JWT whose {@code iss} and {@code sub} are the client id, {@code aud} the token endpoint, {@code jti}
 * a new random id and {@code exp} {@link #LIFETIME} ahead (SMART allows at most five minutes), with the key id in
 * the header so the server finds the key in the client's JWKS.
 */
public final class JwtClientAssertion implements ClientAuthentication {

    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Under SMART's five-minute ceiling, with room for clock skew between the worker and the server. */
    public static final Duration LIFETIME = Duration.ofMinutes(4);

    private final String clientId;
    private final SigningKey key;
    private final JWSSigner signer;
    private final Clock clock;

    public JwtClientAssertion(String clientId, SigningKey key, Clock clock) {
        this.clientId = clientId;
        this.key = key;
        this.clock = clock;
        try {
            this.signer = key.algorithm().equals(JWSAlgorithm.ES384)
                    ? new ECDSASigner((ECPrivateKey) key.privateKey())
                    : new RSASSASigner(key.privateKey());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign " + key.algorithm() + " with this key: " + e.getMessage(),
                    e);
        }
    }

    /** A newly signed assertion for {@code tokenEndpoint}. */
    public String assertion(URI tokenEndpoint) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(tokenEndpoint.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        JWSHeader header = new JWSHeader.Builder(key.algorithm()).keyID(key.keyId()).type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the client assertion failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    @Override
    public void apply(URI tokenEndpoint, StringBuilder form, HttpRequest.Builder request) {
        form.append("&client_assertion_type=").append(ClientAuthentication.encode(ASSERTION_TYPE))
                .append("&client_assertion=").append(ClientAuthentication.encode(assertion(tokenEndpoint)));
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public String keysToCheck() {
        return "fhir.auth.smart.client.id, fhir.auth.smart.key.id, the JWKS registered for the client, and "
                + "fhir.auth.smart.scope";
    }
}
