package com.healthcare.kafka.connect.benchmarks.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that delays every chunk of bytes by a fixed one-way latency in each direction, in order: a
 * FHIR server "across a network" (a round trip costs twice the delay), as a Connect worker meets a hospital's
 * FHIR server. Bandwidth is not limited; only the latency is added.
 */
final class LatencyProxy implements AutoCloseable {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final ServerSocket server;
    private final long delayNanos;
    private volatile boolean closed;

    LatencyProxy(int targetPort, long oneWayDelayMillis) throws IOException {
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayDelayMillis);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(() -> accept(targetPort), "latency-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept(int targetPort) {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency proxy: " + e);
                }
            }
        }
    }

    /** Reads from {@code from} and writes each chunk to {@code to} once its delay has passed. */
    private void pipe(Socket from, Socket to) {
        DelayQueue<Chunk> queue = new DelayQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos,
                            SEQUENCE.incrementAndGet()));
                }
            } catch (IOException e) {
                // the connection ended
            }
            queue.put(new Chunk(null, System.nanoTime() + delayNanos, SEQUENCE.incrementAndGet()));
        }, "latency-proxy-read");
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk.bytes() == null) {
                        break;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                closeQuietly(to);
                closeQuietly(from);
            }
        }, "latency-proxy-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    /** Bytes due at {@code dueNanos}; chunks of one direction are due in the order they were read. */
    private record Chunk(byte[] bytes, long dueNanos, long sequence) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Chunk that = (Chunk) other;
            int byTime = Long.compare(dueNanos, that.dueNanos);
            return byTime != 0 ? byTime : Long.compare(sequence, that.sequence);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
