package com.healthcare.kafka.connect.it.failover;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.healthcare.kafka.connect.it.kubernetes.BalancerSettings;

/**
 * A stand-in for the shipped HAProxy MLLP balancer (docker/kubernetes/.../mllp-balancer.yaml), run with the
 * settings parsed from that file: TCP mode, every backend (a Connect "pod" address) health-checked by a TCP connect
 * every {@code inter}, marked down after {@code fall} failed checks and up after {@code rise} good ones, the
 * sessions of a downed backend shut, new connections to the up backend with the fewest sessions. No Docker or
 * HAProxy runs here; this reproduces the behaviour the configuration asks HAProxy for, nothing more.
 */
final class TcpBalancer implements AutoCloseable {

    /** A backend's health and sessions. */
    static final class Backend {
        final InetSocketAddress address;
        volatile boolean up;
        int failedChecks;
        int goodChecks;
        final Set<Socket> sessions = ConcurrentHashMap.newKeySet();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger openedWhileDown = new AtomicInteger();
        volatile long downSinceNanos;

        Backend(InetSocketAddress address) {
            this.address = address;
        }
    }

    private final BalancerSettings settings;
    private final Map<InetSocketAddress, Backend> backends = new LinkedHashMap<>();
    private final ServerSocket server;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "checks"));
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    TcpBalancer(List<InetSocketAddress> targets, BalancerSettings settings) throws IOException {
        this.settings = settings;
        targets.forEach(t -> backends.put(t, new Backend(t)));
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    }

    int port() {
        return server.getLocalPort();
    }

    void start() {
        checks.scheduleWithFixedDelay(this::checkAll, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        Thread acceptor = daemon(this::acceptLoop, "acceptor");
        threads.add(acceptor);
        acceptor.start();
    }

    Set<InetSocketAddress> up() {
        return backends.values().stream().filter(b -> b.up).map(b -> b.address).collect(Collectors.toSet());
    }

    Backend backend(InetSocketAddress address) {
        return backends.get(address);
    }

    private void checkAll() {
        for (Backend backend : backends.values()) {
            boolean ok;
            try (Socket probe = new Socket()) {
                probe.connect(backend.address, (int) Math.max(200, settings.interval().toMillis()));
                ok = true;
            } catch (IOException e) {
                ok = false;
            }
            synchronized (backend) {
                if (ok) {
                    backend.failedChecks = 0;
                    if (!backend.up && ++backend.goodChecks >= settings.rise()) {
                        backend.up = true;
                    }
                } else {
                    backend.goodChecks = 0;
                    if (backend.up && ++backend.failedChecks >= settings.fall()) {
                        backend.up = false;
                        backend.downSinceNanos = System.nanoTime();
                        if (settings.shutdownSessionsOnDown()) {
                            backend.sessions.forEach(TcpBalancer::closeQuietly);
                        }
                    }
                }
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Backend target = backends.values().stream().filter(b -> b.up)
                    .min(Comparator.comparingInt(b -> b.sessions.size())).orElse(null);
            if (target == null) {
                closeQuietly(client); // no server up: the sender sees the connection closed and retries
                continue;
            }
            Thread session = daemon(() -> relay(client, target), "session");
            session.start();
        }
    }

    private void relay(Socket client, Backend backend) {
        Socket upstream = new Socket();
        try {
            upstream.connect(backend.address, 3_000);
        } catch (IOException e) {
            closeQuietly(upstream);
            closeQuietly(client);
            return;
        }
        backend.opened.incrementAndGet();
        if (!backend.up) {
            backend.openedWhileDown.incrementAndGet();
        }
        backend.sessions.add(client);
        Thread back = daemon(() -> pump(upstream, client), "relay-back");
        back.start();
        pump(client, upstream);
        try {
            back.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        backend.sessions.remove(client);
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed or reset: end the session both ways
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, "balancer-" + name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        checks.shutdownNow();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        backends.values().forEach(b -> b.sessions.forEach(TcpBalancer::closeQuietly));
    }
}
