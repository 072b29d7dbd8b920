package com.healthcare.kafka.connect.it.failover;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder whose server-to-client direction can be slowed to a byte rate: an export file that
 * streams in seconds then takes long enough for a test to act (kill a worker) while a file is being read, and the
 * rate can be lifted afterwards. Pacing only: nothing is buffered, reordered or dropped.
 */
final class ThrottledProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile int bytesPerSecond;
    private volatile boolean closed;

    ThrottledProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "throttled-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Server-to-client bytes per second from now on; 0 lifts the limit. */
    void throttle(int rate) {
        bytesPerSecond = rate;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("ThrottledProxy: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean throttled) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (true) {
                    int rate = throttled ? bytesPerSecond : 0;
                    // small writes while throttled, so the pace is even
                    int n = in.read(buffer, 0, rate > 0 ? Math.min(buffer.length, Math.max(256, rate / 20))
                            : buffer.length);
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    if (rate > 0) {
                        Thread.sleep(n * 1000L / rate); // pacing the stream, not waiting for a condition
                    }
                }
            } catch (IOException e) {
                // a side closed or was reset (a SIGKILLed worker): close both
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "throttled-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        sockets.forEach(this::closeQuietly);
    }
}
