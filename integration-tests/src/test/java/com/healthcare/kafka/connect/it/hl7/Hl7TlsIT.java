package com.healthcare.kafka.connect.it.hl7;

import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.byControlId;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.connector;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.consume;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.header;
import static com.healthcare.kafka.connect.it.hl7.Hl7ItSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * MLLP over TLS and mutual TLS on the real worker, with certificates generated for the test, HAPI's client over
 * TLS, a client without certificate refused; and seed 000's connector JSON running with its key stores and
 * ${file:...} secrets pointed at generated ones.
 */
class Hl7TlsIT {

    @TempDir
    static Path dir;

    static ConnectWorker worker;
    static TestCertificates certs;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate(dir.resolve("security"), "JKS");
        worker = ConnectWorker.start("hl7-tls");
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    private static Map<String, String> tls(String clientAuth) {
        Map<String, String> tls = new HashMap<>();
        tls.put("hl7.security.enabled", "true");
        tls.put("hl7.security.store.type", "JKS");
        tls.put("hl7.security.keystore.location", certs.serverKeyStore.toString());
        tls.put("hl7.security.keystore.password", TestCertificates.PASSWORD);
        tls.put("hl7.security.key.password", TestCertificates.KEY_PASSWORD);
        tls.put("hl7.security.truststore.location", certs.serverTrustStore.toString());
        tls.put("hl7.security.truststore.password", TestCertificates.PASSWORD);
        tls.put("hl7.security.client.auth", clientAuth);
        return tls;
    }

    @Test
    void tlsCarriesHapiAndRawTraffic() throws Exception {
        int port = ConnectWorker.freePort();
        worker.startConnector("tls", connector(port, "tls.", tls("none")), 1);
        SSLContext client = certs.clientContext(false);
        try (HapiSender hapi = new HapiSender(port, client)) {
            String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(1), "2.5.1", "TLS-H", "MRN-T");
            assertThat(MllpSocketClient.ackCode(hapi.send(message).response())).isEqualTo("AA");
        }
        try (MllpSocketClient socket = MllpSocketClient.connect(port, client.getSocketFactory())) {
            String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(1), "2.5.1", "TLS-R", "MRN-T");
            assertThat(MllpSocketClient.ackCode(socket.exchange(message, 30_000))).isEqualTo("AA");
        }
        try (MllpSocketClient plain = MllpSocketClient.connect(port)) {
            plain.send(Hl7Corpus.message(Hl7Corpus.TYPES.get(1), "2.5.1", "PLAIN", "MRN-T"));
            assertThat(plain.read(3_000)).as("plain MLLP on a TLS listener gets nothing").isNull();
        }
        assertThat(byControlId(consume(worker, 2, "tls.ORU")).keySet()).containsExactlyInAnyOrder("TLS-H", "TLS-R");
        worker.cluster().deleteConnector("tls");
    }

    @Test
    void mutualTlsRefusesAClientWithoutCertificate() throws Exception {
        int port = ConnectWorker.freePort();
        worker.startConnector("mtls", connector(port, "mtls.", tls("required")), 1);
        try (HapiSender hapi = new HapiSender(port, certs.clientContext(true))) {
            String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.6", "MTLS-1", "MRN-M");
            assertThat(MllpSocketClient.ackCode(hapi.send(message).response())).isEqualTo("AA");
        }
        assertThatThrownBy(() -> {
            try (MllpSocketClient anonymous = MllpSocketClient.connect(port,
                    certs.clientContext(false).getSocketFactory())) {
                String response = anonymous.exchange(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.6", "ANON",
                        "MRN-M"), 10_000);
                if (response == null) {
                    throw new IOException("connection closed without a response");
                }
            }
        }).as("a client without certificate is refused").isInstanceOf(IOException.class);
        // Wait a little for a second record that must not come.
        List<ConsumerRecord<byte[], byte[]>> records = worker.consume(2, java.time.Duration.ofSeconds(5), "mtls.ADT");
        assertThat(byControlId(records).keySet()).containsExactly("MTLS-1");
        worker.cluster().deleteConnector("mtls");
    }

    @Test
    void seed000ValidatesAndRunsWithItsKeyStoresAndSecrets() throws Exception {
        Map<String, String> config = Hl7ItSupport.shippedConfig("hl7-seed000.json");
        // Only the /etc paths change: to the generated stores and a local credentials file.
        config.put("hl7.security.keystore.location", certs.serverKeyStore.toString());
        config.put("hl7.security.truststore.location", certs.serverTrustStore.toString());
        config = Hl7ItSupport.withLocalSecrets(config, dir.resolve("secrets"), Map.of(
                "keystore_password", TestCertificates.PASSWORD,
                "key_password", TestCertificates.KEY_PASSWORD,
                "truststore_password", TestCertificates.PASSWORD));
        assertThat(config.get("hl7.security.keystore.password")).startsWith("${file:");
        assertThat(Hl7ItSupport.validationErrors(worker.validate(Hl7ItSupport.CONNECTOR_CLASS, config))).isEmpty();

        int port = ConnectWorker.freePort();
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("hl7.listener.port", Integer.toString(port));
        worker.startConnector(config.get("name"), config, Integer.parseInt(config.get("tasks.max")));
        SSLContext client = certs.clientContext(false);
        for (int i = 0; i < 4; i++) {
            try (MllpSocketClient socket = MllpSocketClient.connect(port, client.getSocketFactory())) {
                String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "S0-" + i, "MRN-S0");
                String ack = socket.exchange(message, 30_000);
                assertThat(MllpSocketClient.segment(ack, "MSA")).as("seed 000's success text")
                        .isEqualTo("MSA|AA|S0-" + i + "|Message processed successfully");
            }
        }
        try (MllpSocketClient socket = MllpSocketClient.connect(port, client.getSocketFactory())) {
            String a08 = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "S0-A08", "MRN-S0")
                    .replace("ADT^A01^ADT_A01", "ADT^A08^ADT_A01");
            assertThat(MllpSocketClient.segment(socket.exchange(a08, 30_000), "MSA"))
                    .as("A08 is not among seed 000's ADT_A01..A05").startsWith("MSA|AR|S0-A08|Message rejected: ");
        }
        List<ConsumerRecord<byte[], byte[]>> records = consume(worker, 4, "hl7-ADT");
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(header(record, "source_system")).as("InsertHeader of seed 000").isEqualTo("hl7-mllp");
            assertThat(json(record).get("raw").asText()).startsWith("MSH|");
        }
        assertThat(consume(worker, 1, "hl7-errors")).hasSize(1);
        worker.cluster().deleteConnector(config.get("name"));
    }

    @Test
    void seed001RunsOverTlsWithItsKeyStore() throws Exception {
        TestCertificates p12 = TestCertificates.generate(dir.resolve("seed001"), "PKCS12");
        Map<String, String> config = Hl7ItSupport.shippedConfig("hl7-seed001.json");
        config.put("hl7.security.keystore.location", p12.serverKeyStore.toString());
        config = Hl7ItSupport.withLocalSecrets(config, dir.resolve("secrets001"),
                Map.of("keystore_password", TestCertificates.PASSWORD, "key_password", TestCertificates.KEY_PASSWORD));
        config.put("name", "seed001");
        int port = ConnectWorker.freePort();
        config.remove("port");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("topic.prefix", "s1.");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        assertThat(Hl7ItSupport.validationErrors(worker.validate(Hl7ItSupport.CONNECTOR_CLASS, config))).isEmpty();
        int tasks = Integer.parseInt(config.get("tasks.max"));
        worker.startConnector("seed001", config, tasks);
        SSLContext client = p12.clientContext(false);
        for (int i = 0; i < 3 * tasks; i++) {
            try (MllpSocketClient socket = MllpSocketClient.connect(port, client.getSocketFactory())) {
                String message = Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "S1-" + i, "MRN-S1");
                assertThat(MllpSocketClient.ackCode(socket.exchange(message, 30_000))).isEqualTo("AA");
            }
        }
        assertThat(consume(worker, 3 * tasks, "s1.ADT")).hasSizeGreaterThanOrEqualTo(3 * tasks);
        // Without a key store the same JSON is refused, never run in plaintext.
        Map<String, String> plain = new HashMap<>(config);
        plain.remove("hl7.security.keystore.location");
        assertThat(Hl7ItSupport.validationErrors(worker.validate(Hl7ItSupport.CONNECTOR_CLASS, plain))
                .get("hl7.security.keystore.location"))
                .anySatisfy(m -> assertThat(m).contains("MLLP has no username/password authentication"));
        worker.cluster().deleteConnector("seed001");
    }

    @Test
    void refusedHandshakesAreLoggedWithAddressAndReason() throws Exception {
        TestCertificates otherCa = TestCertificates.generate(dir.resolve("other-ca"), "JKS");
        int port = ConnectWorker.freePort();
        try (LogCapture logs = LogCapture.capture()) {
            worker.startConnector("refusals", connector(port, "refusals.", tls("required")), 1);
            for (SSLContext context : List.of(certs.clientContext(false), otherCa.clientContext(true))) {
                try (MllpSocketClient socket = MllpSocketClient.connect(port, context.getSocketFactory())) {
                    socket.exchange(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "REF", "MRN-R"), 10_000);
                } catch (IOException refused) {
                    // Expected: the handshake fails.
                }
            }
            try (MllpSocketClient plain = MllpSocketClient.connect(port)) {
                plain.send(Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "PLAIN", "MRN-R"));
                assertThat(plain.closedByServer(10_000)).isTrue();
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(logs.lines().stream().filter(l -> l.startsWith("WARN")
                            && l.contains("refused the TLS handshake of 127.0.0.1:")).toList())
                            .anySatisfy(l -> assertThat(l).endsWith("no client certificate"))
                            .anySatisfy(l -> assertThat(l).endsWith("certificate not trusted (wrong CA)"))
                            .anySatisfy(l -> assertThat(l).endsWith("protocol: the peer did not speak TLS")));
            // A valid client still gets through.
            try (MllpSocketClient socket = MllpSocketClient.connect(port, certs.clientContext(true)
                    .getSocketFactory())) {
                assertThat(MllpSocketClient.ackCode(socket.exchange(
                        Hl7Corpus.message(Hl7Corpus.TYPES.get(0), "2.5", "REF-OK", "MRN-R"), 30_000))).isEqualTo("AA");
            }
        }
        worker.cluster().deleteConnector("refusals");
    }
}
