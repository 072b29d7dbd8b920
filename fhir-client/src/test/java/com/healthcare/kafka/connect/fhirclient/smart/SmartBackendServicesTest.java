package com.healthcare.kafka.connect.fhirclient.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.healthcare.kafka.connect.fhirclient.Authenticator;
import com.healthcare.kafka.connect.fhirclient.FhirClientConfig;
import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.HttpSettings;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * SMART Backend Services against a test authorization server that checks each client assertion the way the SMART
 * spec tells servers to: signature with the registered public key (found by kid), alg RS384 or ES384, iss and sub
 * equal to the client id, aud equal to the token endpoint, exp in the future and at most five minutes ahead, a jti
 * never seen before, the JWT-bearer assertion type and the requested scope. The FHIR endpoint takes only the
 * tokens that server issued.
 */
class SmartBackendServicesTest {

    static final String CLIENT_ID = "kafka-connect-backend";
    static final String KID = "key-2026-12";
    static final ConfigDef DEF = def();

    @TempDir
    Path dir;
    HttpServer server;
    ExecutorService executor;
    String base;
    PublicKey registered;
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final Set<String> seenJti = Collections.synchronizedSet(new HashSet<>());
    final Set<String> issued = Collections.synchronizedSet(new HashSet<>());
    final AtomicInteger tokenRequests = new AtomicInteger();
    final AtomicInteger discoveries = new AtomicInteger();
    final AtomicInteger fhirUnauthorizedOnce = new AtomicInteger();
    final List<JWTClaimsSet> assertions = Collections.synchronizedList(new ArrayList<>());

    static ConfigDef def() {
        ConfigDef def = new ConfigDef();
        FhirClientConfig.defineConnection(def, "Server", 0);
        FhirClientConfig.defineAuth(def, "Auth");
        return def;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/fhir/.well-known/smart-configuration", exchange -> {
            discoveries.incrementAndGet();
            reply(exchange, 200, "{\"token_endpoint\":\"" + base + "/auth/token\",\"grant_types_supported\":"
                    + "[\"client_credentials\"],\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\"]}");
        });
        server.createContext("/auth/token", this::token);
        server.createContext("/fhir/Patient", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            boolean valid = auth != null && auth.startsWith("Bearer ") && issued.contains(auth.substring(7));
            if (valid && fhirUnauthorizedOnce.getAndDecrement() > 0) {
                valid = false; // the server revoked the token early: one refresh must follow
            }
            reply(exchange, valid ? 200 : 401, valid ? "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}" : "");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        List<String> wrong = new ArrayList<>();
        check(wrong, "grant_type", "client_credentials".equals(form.get("grant_type")));
        check(wrong, "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type")));
        check(wrong, "scope", "system/Patient.rs system/Observation.rs".equals(form.get("scope")));
        check(wrong, "no client secret", !form.containsKey("client_secret"));
        try {
            SignedJWT jwt = SignedJWT.parse(form.get("client_assertion"));
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            check(wrong, "alg", alg.equals(JWSAlgorithm.RS384) || alg.equals(JWSAlgorithm.ES384));
            check(wrong, "kid", KID.equals(jwt.getHeader().getKeyID()));
            JWSVerifier verifier = registered instanceof RSAPublicKey rsa ? new RSASSAVerifier(rsa)
                    : new ECDSAVerifier((ECPublicKey) registered);
            check(wrong, "signature", jwt.verify(verifier));
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            assertions.add(claims);
            check(wrong, "iss", CLIENT_ID.equals(claims.getIssuer()));
            check(wrong, "sub", CLIENT_ID.equals(claims.getSubject()));
            check(wrong, "aud", List.of(base + "/auth/token").equals(claims.getAudience()));
            Instant exp = claims.getExpirationTime().toInstant();
            check(wrong, "exp in the future", exp.isAfter(Instant.now()));
            check(wrong, "exp at most 5 minutes ahead", !exp.isAfter(Instant.now().plus(Duration.ofMinutes(5))));
            check(wrong, "jti new", claims.getJWTID() != null && seenJti.add(claims.getJWTID()));
        } catch (Exception e) {
            wrong.add("assertion unreadable: " + e);
        }
        if (!wrong.isEmpty()) {
            problems.addAll(wrong);
            reply(exchange, 400, "{\"error\":\"invalid_client\",\"error_description\":\"" + wrong + "\"}");
            return;
        }
        String token = "tok-" + tokenRequests.get();
        issued.add(token);
        reply(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":300,"
                + "\"scope\":\"system/Patient.rs system/Observation.rs\"}");
    }

    private static void check(List<String> wrong, String what, boolean ok) {
        if (!ok) {
            wrong.add(what);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Path rsaPem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        registered = pair.getPublic();
        Path file = dir.resolve("smart-key.pem");
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        return file;
    }

    /** A PKCS12 key store with an EC P-384 key, made by the JDK's keytool as an operator would. */
    private Path ecKeyStore() throws Exception {
        Path file = dir.resolve("smart-ec.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-keyalg", "EC", "-groupname", "secp384r1",
                "-alias", "smart", "-dname", "CN=" + CLIENT_ID, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        registered = SigningKey.load(file, "changeit".toCharArray(), null, null, KID).publicKey();
        return file;
    }

    private Map<String, String> props(Path key) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("fhir.auth.type", "smart-backend");
        props.put("fhir.auth.smart.client.id", CLIENT_ID);
        props.put("fhir.auth.smart.key.file", key.toString());
        props.put("fhir.auth.smart.key.id", KID);
        props.put("fhir.auth.smart.scope", "system/Patient.rs system/Observation.rs");
        props.put("fhir.retry.backoff.ms", "20");
        return props;
    }

    private FhirHttpClient client(Map<String, String> props) {
        FhirClientConfig config = FhirClientConfig.from(new AbstractConfig(DEF, props));
        HttpSettings settings = config.httpSettings(2);
        java.net.http.HttpClient jdk = FhirHttpClient.newJdkClient(settings, executor);
        Authenticator auth = config.authenticator(jdk, settings, base + "/fhir");
        return new FhirHttpClient(jdk, settings, auth, executor);
    }

    @Test
    void rs384AssertionFromAPemKeyMeetsTheSpecAndItsTokenIsCachedAndRefreshedAfterA401() throws Exception {
        FhirHttpClient client = client(props(rsaPem()));
        client.get(base + "/fhir/Patient");
        client.get(base + "/fhir/Patient");
        assertThat(problems).isEmpty();
        assertThat(tokenRequests).as("the token is cached").hasValue(1);
        assertThat(discoveries).as("the token endpoint came from .well-known/smart-configuration").hasValue(1);
        fhirUnauthorizedOnce.set(1);
        client.get(base + "/fhir/Patient");
        assertThat(tokenRequests).as("one new token after the 401").hasValue(2);
        assertThat(problems).isEmpty();
        assertThat(assertions).hasSize(2);
        assertThat(assertions.get(0).getJWTID()).isNotEqualTo(assertions.get(1).getJWTID());
        assertThat(discoveries).as("discovery happens once").hasValue(1);
    }

    @Test
    void es384AssertionFromAKeyStoreWithAConfiguredEndpoint() throws Exception {
        Map<String, String> props = props(ecKeyStore());
        props.put("fhir.auth.smart.key.password", "changeit");
        props.put("fhir.auth.smart.token.endpoint", base + "/auth/token");
        client(props).get(base + "/fhir/Patient");
        assertThat(problems).isEmpty();
        assertThat(tokenRequests).hasValue(1);
        assertThat(discoveries).as("no discovery when the endpoint is configured").hasValue(0);
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefusedReadably() throws Exception {
        Path key = rsaPem();
        registered = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic(); // another key registered
        assertThatThrownBy(() -> client(props(key)).get(base + "/fhir/Patient"))
                .isInstanceOf(FhirException.class).hasMessageContaining("invalid_client")
                .hasMessageContaining("fhir.auth.smart.key.id");
        assertThat(problems).contains("signature");
    }

    @Test
    void theJwksCommandPublishesTheKeyThatVerifiesTheAssertions() throws Exception {
        Path pem = rsaPem();
        SigningKey key = SigningKey.load(pem, null, null, null, KID);
        JWKSet jwks = JWKSet.parse(SmartJwks.jwks(key));
        JWK jwk = jwks.getKeyByKeyId(KID);
        assertThat(jwk).isNotNull();
        assertThat(jwk.isPrivate()).isFalse();
        String assertion = new JwtClientAssertion(CLIENT_ID, key, java.time.Clock.systemUTC())
                .assertion(java.net.URI.create(base + "/auth/token"));
        assertThat(SignedJWT.parse(assertion).verify(new RSASSAVerifier(jwk.toRSAKey()))).isTrue();

        Path store = ecKeyStore();
        SigningKey ec = SigningKey.load(store, "changeit".toCharArray(), null, null, KID);
        JWK ecJwk = JWKSet.parse(SmartJwks.jwks(ec)).getKeyByKeyId(KID);
        String ecAssertion = new JwtClientAssertion(CLIENT_ID, ec, java.time.Clock.systemUTC())
                .assertion(java.net.URI.create(base + "/auth/token"));
        assertThat(SignedJWT.parse(ecAssertion).verify(new ECDSAVerifier(ecJwk.toECKey()))).isTrue();
        assertThat(SignedJWT.parse(ecAssertion).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
    }

    @Test
    void validationNamesEachMistakeOnItsKey() throws Exception {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        FhirClientConfig.addProblems(Map.of("fhir.auth.type", "smart-backend"), missing);
        assertThat(missing).containsOnlyKeys("fhir.auth.smart.client.id", "fhir.auth.smart.key.file",
                "fhir.auth.smart.key.id");

        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        Path weak = dir.resolve("weak.pem");
        Files.writeString(weak, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder()
                .encodeToString(small.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Map<String, List<String>> weakProblems = new LinkedHashMap<>();
        FhirClientConfig.addProblems(props(weak), weakProblems);
        assertThat(weakProblems.get("fhir.auth.smart.key.file")).singleElement().asString()
                .contains("1024 bits");

        KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
        p256.initialize(new ECGenParameterSpec("secp256r1"));
        Path wrongCurve = dir.resolve("p256.pem");
        Files.writeString(wrongCurve, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder()
                .encodeToString(p256.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Map<String, List<String>> curveProblems = new LinkedHashMap<>();
        FhirClientConfig.addProblems(props(wrongCurve), curveProblems);
        assertThat(curveProblems.get("fhir.auth.smart.key.file")).singleElement().asString().contains("P-384");

        Map<String, String> mismatch = props(rsaPem());
        mismatch.put("fhir.auth.smart.algorithm", "ES384");
        Map<String, List<String>> algProblems = new LinkedHashMap<>();
        FhirClientConfig.addProblems(mismatch, algProblems);
        assertThat(algProblems.get("fhir.auth.smart.key.file")).singleElement().asString().contains("ES384");

        assertThat(DEF.validate(Map.of("fhir.auth.smart.algorithm", "HS256")).stream()
                .filter(v -> v.name().equals("fhir.auth.smart.algorithm")).findFirst().orElseThrow().errorMessages())
                .singleElement().asString().contains("RS384 or ES384");
        assertThat(DEF.configKeys().get("fhir.auth.smart.key.password").type).isEqualTo(ConfigDef.Type.PASSWORD);
    }
}
