package com.healthcare.kafka.connect.it.failover;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HL7 senders as hospital interfaces behave: each sends its own numbered ADT^A01 messages in order over a
 * long-lived MLLP connection and resends a message until it gets AA, on a new connection after an error or a
 * timeout, until stopped. Used by the failover ITs, directly against the listeners or through a balancer.
 */
final class MllpSenders implements AutoCloseable {

    final Map<String, Boolean> acked = new ConcurrentHashMap<>();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    /** When set, each sender opens a new connection every {@code rotateEvery} messages. */
    final AtomicBoolean rotateConnections = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final String host;
    private final int port;
    private final int senders;
    private final int rotateEvery;

    MllpSenders(String host, int port, int senders, int rotateEvery) {
        this.host = host;
        this.port = port;
        this.senders = senders;
        this.rotateEvery = rotateEvery;
    }

    /** An ADT^A01 with a unique control id (MSH-10). */
    static String message(String controlId, String patientId) {
        return "MSH|^~\\&|FAILOVER|HOSP|KAFKA|HOSP|20240315083000||ADT^A01^ADT_A01|" + controlId + "|P|2.5\r"
                + "EVN|A01|20240315083000\r"
                + "PID|1||" + patientId + "^^^HOSP^MR||DOE^JANE||19800101|F\r"
                + "PV1|1|I|ICU^12^A\r";
    }

    void start() {
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread thread = new Thread(() -> run(sender), "mllp-sender-" + s);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    void stopAndJoin() throws InterruptedException {
        stopped.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopAndJoin();
    }

    private void run(int sender) {
        Connection connection = null;
        try {
            for (int i = 0; !stopped.get(); i++) {
                String controlId = "FO-" + sender + "-" + i;
                String message = message(controlId, "MRN-" + sender);
                while (!stopped.get()) {
                    try {
                        if (connection == null) {
                            connection = new Connection(host, port);
                            connections.incrementAndGet();
                        }
                        attempts.incrementAndGet();
                        String response = connection.exchange(message, 15_000);
                        if (response.contains("MSA|AA|" + controlId)) {
                            acked.put(controlId, Boolean.TRUE);
                            if (rotateConnections.get() && i % rotateEvery == 0) {
                                connection.close();
                                connection = null;
                            }
                            break;
                        }
                        failures.incrementAndGet();
                        Thread.sleep(100); // AE/AR: the listener is under pressure; back off before resending
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        if (connection != null) {
                            connection.close();
                            connection = null;
                        }
                        Thread.sleep(100); // back off before reconnecting
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** One MLLP connection: a frame out, the response frame back (an IOException on close, reset or timeout). */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), 5_000);
                socket.setTcpNoDelay(true);
                in = socket.getInputStream();
                out = socket.getOutputStream();
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        String exchange(String message, int timeoutMs) throws IOException {
            byte[] body = message.getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[body.length + 3];
            frame[0] = 0x0B;
            System.arraycopy(body, 0, frame, 1, body.length);
            frame[body.length + 1] = 0x1C;
            frame[body.length + 2] = 0x0D;
            out.write(frame);
            out.flush();
            socket.setSoTimeout(timeoutMs);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) != 0x0B) {
                    if (b < 0) {
                        throw new IOException("closed before a response");
                    }
                }
                while ((b = in.read()) != 0x1C) {
                    if (b < 0) {
                        throw new IOException("closed inside a response");
                    }
                    response.write(b);
                }
                in.read();
            } catch (SocketTimeoutException e) {
                throw new IOException("no response within " + timeoutMs + " ms", e);
            }
            return response.toString(StandardCharsets.UTF_8);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // reconnecting anyway
            }
        }
    }
}
