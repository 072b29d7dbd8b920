package com.healthcare.kafka.connect.fhir.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.healthcare.kafka.connect.common.testing.TestKeyStores;
import com.healthcare.kafka.connect.fhir.poll.RecordFactory;
import com.healthcare.kafka.connect.fhir.poll.RecordQueue;
import com.healthcare.kafka.connect.fhir.poll.TaskMetrics;
import com.healthcare.kafka.connect.fhir.poll.TypeCursor;
import com.healthcare.kafka.connect.fhir.poll.TypeStream;

/**
 * The rest-hook endpoint against hostile clients over real sockets: slow headers, slow bodies, connection floods
 * from one address, unauthenticated bodies. The hostile clients connect from 127.0.0.2 (still loopback on Linux), the
 * honest notifier from 127.0.0.1, so the per-address limit can tell them apart.
 */
class NotificationListenerHostileTest {

    static final String OBS = NotificationListenerTest.OBS;
    static final InetAddress ATTACKER = address("127.0.0.2");

    private final RecordQueue queue = new RecordQueue(100);
    private final PendingAcks acks = new PendingAcks();
    private final TaskMetrics metrics = new TaskMetrics();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private NotificationListener listener;

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(long headerTimeoutMs, long bodyTimeoutMs, int maxConnections, int perAddress)
            throws IOException {
        start(headerTimeoutMs, bodyTimeoutMs, maxConnections, perAddress, null);
    }

    private void start(long headerTimeoutMs, long bodyTimeoutMs, int maxConnections, int perAddress, SSLContext tls)
            throws IOException {
        TypeStream stream = new TypeStream("Observation", TypeCursor.restore(null, null),
                new RecordFactory("fhir.", "http://fhir"), queue, metrics);
        listener = new NotificationListener(new NotificationListener.Settings(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tls,
                tls == null ? null : tls.getDefaultSSLParameters(), "/hook", "X-Token: s3cret",
                10_000, headerTimeoutMs, bodyTimeoutMs, maxConnections, perAddress, 1 << 20),
                Map.of("Observation", stream), t -> { }, acks, metrics, "hostile");
        listener.start();
    }

    @AfterEach
    void stop() {
        trickle.shutdownNow();
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        });
        if (listener != null) {
            listener.close();
        }
    }

    private Socket connectFrom(InetAddress local) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(local, 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port()), 5000);
        sockets.add(s);
        return s;
    }

    /** True while the server has not closed the socket (a read neither returns data nor end of stream). */
    private static boolean open(Socket s) {
        try {
            s.setSoTimeout(20);
            s.getInputStream().read();
            return false; // end of stream or an answer: the server is done with it
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private CompletableFuture<HttpResponse<String>> notifyHonestly(String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port()
                        + "/hook/Observation/o1")).timeout(Duration.ofSeconds(30)).header("X-Token", "s3cret")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private void commitNextRecord() throws InterruptedException {
        List<SourceRecord> records = queue.take(10, 10_000);
        assertThat(records).hasSize(1);
        acks.committed(records.get(0), new RecordMetadata(new TopicPartition("fhir.Observation", 0), 0, 0, 0, 0, 0));
    }

    @Test
    void slowHeaderClientsDoNotDelayANotificationAndAreClosedAtTheirDeadline() throws Exception {
        start(10_000, 10_000, 64, 16);
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Socket s = connectFrom(ATTACKER);
            s.getOutputStream().write("PUT /hook/Observation/o1 HTTP/1.1\r\nHost: x\r\n".getBytes(
                    StandardCharsets.US_ASCII));
            slow.add(s);
        }
        // a byte every 100 ms each: a trickle that would reset any idle timer
        trickle.scheduleAtFixedRate(() -> slow.forEach(s -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write('X');
                out.flush();
            } catch (IOException e) {
                // closed by the server: expected after the deadline
            }
        }), 100, 100, TimeUnit.MILLISECONDS);

        CompletableFuture<HttpResponse<String>> honest = notifyHonestly(OBS);
        commitNextRecord();
        assertThat(honest.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // answered while every slow client still holds its connection
        assertThat(slow).allMatch(NotificationListenerHostileTest::open);

        await("slow clients closed at their header deadline").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> slow.stream().noneMatch(NotificationListenerHostileTest::open));
        assertThat(metrics.getListenerTimeouts()).isGreaterThanOrEqualTo(12);
        assertThat(queue.take(10, 100)).as("nothing from the slow clients").isEmpty();
    }

    @Test
    void oneAddressCannotTakeEveryConnection() throws Exception {
        start(20_000, 20_000, 8, 4);
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            flood.add(connectFrom(ATTACKER));
        }
        // the listener keeps four (its per-address limit) and closes the rest at accept, before reading anything
        await("connections over the per-address limit closed").atMost(Duration.ofSeconds(10))
                .until(() -> flood.stream().filter(NotificationListenerHostileTest::open).count() == 4);
        assertThat(metrics.getListenerConnectionsRefused()).isEqualTo(6);

        CompletableFuture<HttpResponse<String>> honest = notifyHonestly(OBS);
        commitNextRecord();
        assertThat(honest.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void theSecretIsCheckedBeforeTheBodyIsRead() throws Exception {
        start(20_000, 20_000, 8, 8);
        Socket s = connectFrom(ATTACKER);
        // announces 10 MB and sends none of it: the 401 must not wait for the body
        s.getOutputStream().write(("PUT /hook/Observation/o1 HTTP/1.1\r\nHost: x\r\nX-Token: guess\r\n"
                + "Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(10_000);
        String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(status).isEqualTo("HTTP/1.1 401");
        assertThat(metrics.getNotificationsRejected()).isEqualTo(1);
    }

    @Test
    void aSlowBodyIsCutAtItsDeadlineAndAnOversizedOneRefusedUpFront() throws Exception {
        start(20_000, 1500, 8, 8);
        Socket slowBody = connectFrom(ATTACKER);
        slowBody.getOutputStream().write(("PUT /hook/Observation/o1 HTTP/1.1\r\nHost: x\r\nX-Token: s3cret\r\n"
                + "Content-Length: 1000\r\n\r\n{\"resou").getBytes(StandardCharsets.US_ASCII));
        await("slow body closed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !open(slowBody));
        assertThat(metrics.getListenerTimeouts()).isEqualTo(1);

        Socket big = connectFrom(ATTACKER);
        big.getOutputStream().write(("PUT /hook/Observation/o1 HTTP/1.1\r\nHost: x\r\nX-Token: s3cret\r\n"
                + "Content-Length: " + (2 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        big.setSoTimeout(10_000);
        assertThat(new String(big.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 413");
        assertThat(queue.take(10, 100)).isEmpty();
    }

    @Test
    void garbageGetsA400AndChunkedBodiesWork() throws Exception {
        start(20_000, 20_000, 8, 8);
        Socket garbage = connectFrom(ATTACKER);
        garbage.getOutputStream().write("\u0016\u0003\u0001 binary junk\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        garbage.setSoTimeout(10_000);
        assertThat(new String(garbage.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 400");

        Socket chunked = connectFrom(InetAddress.getLoopbackAddress());
        byte[] body = OBS.getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2;
        OutputStream out = chunked.getOutputStream();
        out.write(("PUT /hook/Observation/o1 HTTP/1.1\r\nHost: x\r\nX-Token: s3cret\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(half) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, half);
        out.write(("\r\n" + Integer.toHexString(body.length - half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, half, body.length - half);
        out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        commitNextRecord();
        chunked.setSoTimeout(10_000);
        InputStream in = chunked.getInputStream();
        assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
    }

    @Test
    void underTlsSocketsThatNeverHandshakeDoNotLockOutAValidClient(@TempDir Path dir) throws Exception {
        Path store = TestKeyStores.serverKeyStore(dir, "server", "PKCS12", "changeit", "changeit");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        start(10_000, 10_000, 128, 64, server);

        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            silent.add(connectFrom(ATTACKER)); // TCP only: no ClientHello, ever
        }
        SSLSocket honest = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.port());
        sockets.add(honest);
        byte[] body = OBS.getBytes(StandardCharsets.UTF_8);
        honest.getOutputStream().write(("PUT /hook/Observation/o1 HTTP/1.1\r\nHost: x\r\nX-Token: s3cret\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        honest.getOutputStream().write(body);
        honest.getOutputStream().flush();
        commitNextRecord();
        honest.setSoTimeout(10_000);
        assertThat(new String(honest.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 200");
        assertThat(silent).as("answered while the silent sockets are still open")
                .allMatch(NotificationListenerHostileTest::open);
        await("silent sockets closed at the handshake deadline").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> silent.stream().noneMatch(NotificationListenerHostileTest::open));
        assertThat(metrics.getListenerTimeouts()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void closingTheListenerClosesConnectionsInProgress() throws Exception {
        start(60_000, 60_000, 8, 8);
        Socket slow = connectFrom(ATTACKER);
        slow.getOutputStream().write("PUT /hook HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(5)).until(() -> open(slow));
        listener.close();
        await("closed with the listener").atMost(Duration.ofSeconds(10)).until(() -> !open(slow));
    }
}
