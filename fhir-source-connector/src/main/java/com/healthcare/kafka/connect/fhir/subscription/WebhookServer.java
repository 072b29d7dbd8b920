package com.healthcare.kafka.connect.fhir.subscription;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for the rest-hook endpoint, built for hostile networks. The JDK's
 * {@code com.sun.net.httpserver} reads request headers on its worker threads with no deadline unless JVM-wide
 * system properties are set (which would change every other plugin in the worker), so nine clients sending their
 * headers one byte at a time could hold a legitimate notification for minutes. Here every connection has:
 * <ul>
 *   <li>an absolute deadline for the TLS handshake plus the request line and headers, and another for the body,
 *   enforced by a watchdog that closes the socket (a trickle of bytes cannot extend it);</li>
 *   <li>a place within a total and a per-source-address connection limit, checked at accept, before a byte is
 *   read (refused connections are closed at once);</li>
 *   <li>the {@link Handler#precheck precheck} (path and secret header) as soon as the headers are in, before the
 *   body is read or {@code 100 Continue} is sent.</li>
 * </ul>
 * One request per connection ({@code Connection: close}): a notification is one request, and no idle keep-alive
 * connection can pin a thread.
 */
final class WebhookServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    private static final long LINGER_MS = 1000;
    private static final int LINGER_BYTES = 256 * 1024;
    private static final long WARN_EVERY_MS = 10_000;

    /** Limits of one listener; see the {@code fhir.subscription.listener.*} keys. */
    record Limits(long headerTimeoutMs, long bodyTimeoutMs, int maxConnections, int maxConnectionsPerAddress,
                  int maxBodyBytes) {
    }

    /** A request whose headers are in; names are lower case. */
    record Head(String method, String path, Map<String, List<String>> headers, InetAddress remote) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    record Response(int status, String json) {
    }

    interface Handler {
        /** Called once the headers are in: a response refuses the request before its body is read; null goes on. */
        Response precheck(Head head);

        Response handle(Head head, byte[] body);
    }

    /** Counters for the task metrics. */
    static final class Counters {
        final AtomicLong refusedConnections = new AtomicLong();
        final AtomicLong timedOut = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
    }

    private final ServerSocket serverSocket;
    private final Limits limits;
    private final Handler handler;
    private final Counters counters;
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor watchdog;
    private final Thread acceptor;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Map<String, long[]> lastWarn = new HashMap<>();
    private int open;
    private volatile boolean closed;

    WebhookServer(InetSocketAddress bind, SSLContext tls, SSLParameters tlsParameters, Limits limits,
                  Handler handler, Counters counters, String threadPrefix) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.counters = counters;
        if (tls != null) {
            SSLServerSocket ssl = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            if (tlsParameters != null) {
                ssl.setSSLParameters(tlsParameters);
            }
            serverSocket = ssl;
        } else {
            serverSocket = new ServerSocket();
        }
        serverSocket.setReuseAddress(true);
        serverSocket.bind(bind, 64);
        AtomicInteger n = new AtomicInteger();
        // concurrency is bounded by the connection limit at accept, not by the pool
        workers = Executors.newCachedThreadPool(r -> daemon(r, threadPrefix + "-webhook-" + n.incrementAndGet()));
        watchdog = new ScheduledThreadPoolExecutor(1, r -> daemon(r, threadPrefix + "-webhook-deadlines"));
        watchdog.setRemoveOnCancelPolicy(true);
        acceptor = daemon(this::acceptLoop, threadPrefix + "-webhook-accept");
    }

    void start() {
        acceptor.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // closing anyway
        }
        // blocking socket reads ignore interrupts: close the connections themselves
        sockets.forEach(WebhookServer::quietlyClose);
        workers.shutdownNow();
        watchdog.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    warn("accept", "The notification listener could not accept a connection: " + e);
                    pause(); // e.g. out of file descriptors: do not spin
                }
                continue;
            }
            InetAddress remote = socket.getInetAddress();
            String refusal = admit(remote);
            if (refusal != null) {
                counters.refusedConnections.incrementAndGet();
                warn("refused", "Refused a notification connection from " + remote.getHostAddress() + ": "
                        + refusal);
                quietlyClose(socket);
                continue;
            }
            sockets.add(socket);
            try {
                workers.execute(() -> serve(socket, remote));
            } catch (RuntimeException e) {
                sockets.remove(socket);
                release(remote);
                quietlyClose(socket);
            }
        }
    }

    private synchronized String admit(InetAddress remote) {
        if (open >= limits.maxConnections()) {
            return "the listener already has " + open + " connections (fhir.subscription.listener.max.connections)";
        }
        int mine = perAddress.getOrDefault(remote, 0);
        if (mine >= limits.maxConnectionsPerAddress()) {
            return "that address already has " + mine
                    + " connections (fhir.subscription.listener.max.connections.per.address)";
        }
        open++;
        perAddress.put(remote, mine + 1);
        return null;
    }

    private synchronized void release(InetAddress remote) {
        open--;
        perAddress.computeIfPresent(remote, (k, v) -> v <= 1 ? null : v - 1);
    }

    private void serve(Socket socket, InetAddress remote) {
        ScheduledFuture<?> deadline = closeAt(socket, limits.headerTimeoutMs(), "headers");
        try {
            // the watchdog enforces the deadline; the read timeout is only a backstop behind it
            socket.setSoTimeout(backstop(limits.headerTimeoutMs()));
            socket.setTcpNoDelay(true);
            if (socket instanceof SSLSocket ssl) {
                try {
                    ssl.startHandshake();
                } catch (IOException e) {
                    warn("handshake", "TLS handshake with " + remote.getHostAddress() + " failed: " + e.getMessage());
                    return;
                }
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            Head head;
            try {
                head = HttpRequestReader.readHead(in, remote);
            } catch (HttpRequestReader.BadRequest e) {
                counters.malformed.incrementAndGet();
                write(out, new Response(e.status(), outcome(e.getMessage())));
                linger(socket, in);
                return;
            }
            if (head == null) {
                return; // closed before a request
            }
            Response refused = handler.precheck(head);
            if (refused != null) {
                write(out, refused);
                linger(socket, in);
                return;
            }
            deadline.cancel(false);
            deadline = closeAt(socket, limits.bodyTimeoutMs(), "body");
            socket.setSoTimeout(backstop(limits.bodyTimeoutMs()));
            byte[] body;
            try {
                body = HttpRequestReader.readBody(head, in, out, limits.maxBodyBytes());
            } catch (HttpRequestReader.BadRequest e) {
                counters.malformed.incrementAndGet();
                write(out, new Response(e.status(), outcome(e.getMessage())));
                linger(socket, in);
                return;
            }
            deadline.cancel(false);
            Response response = handler.handle(head, body); // bounded by the ack timeout
            deadline = closeAt(socket, limits.bodyTimeoutMs(), "response");
            write(out, response);
            linger(socket, in);
        } catch (IOException e) {
            // a timeout closed it, or the client went away: nothing to answer
        } catch (RuntimeException e) {
            LOG.warn("Notification handling failed: {}", e.toString());
        } finally {
            deadline.cancel(false);
            sockets.remove(socket);
            release(remote);
            quietlyClose(socket);
        }
    }

    private static int backstop(long deadlineMs) {
        return (int) Math.min(Integer.MAX_VALUE, deadlineMs + 5000);
    }

    private ScheduledFuture<?> closeAt(Socket socket, long delayMs, String phase) {
        return watchdog.schedule(() -> {
            if (!socket.isClosed()) {
                counters.timedOut.incrementAndGet();
                warn("timeout-" + phase, "Closed a notification connection from "
                        + socket.getInetAddress().getHostAddress() + ": its " + phase + " took longer than "
                        + delayMs + " ms");
                quietlyClose(socket);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private static void write(OutputStream out, Response response) throws IOException {
        byte[] body = response.json().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + response.status() + " " + reason(response.status()) + "\r\n"
                + "Content-Type: application/fhir+json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /**
     * Half-closes and reads what the client still sends (bounded), so that closing with unread bytes does not
     * reset the connection before the client has read the answer (e.g. a 401 sent before the body was read).
     */
    private static void linger(Socket socket, InputStream in) {
        try {
            if (!(socket instanceof SSLSocket)) {
                socket.shutdownOutput();
            }
            socket.setSoTimeout((int) LINGER_MS);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
            byte[] sink = new byte[8192];
            int total = 0;
            int n;
            while (total < LINGER_BYTES && System.nanoTime() < until && (n = in.read(sink)) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            // the client closed or stayed silent: done either way
        }
    }

    static String outcome(String text) {
        return outcome("error", codeFor(text), text);
    }

    static String outcome(String severity, String code, String text) {
        return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"" + severity
                + "\",\"code\":\"" + code + "\",\"diagnostics\":\"" + text.replace("\"", "'") + "\"}]}";
    }

    private static String codeFor(String text) {
        return text.contains("too large") || text.contains("too long") ? "too-costly" : "structure";
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** At most one WARN per kind every ten seconds, with the number suppressed meanwhile (no log flood). */
    private void warn(String kind, String message) {
        long suppressed;
        synchronized (lastWarn) {
            long now = System.currentTimeMillis();
            long[] state = lastWarn.computeIfAbsent(kind, k -> new long[] {0, 0});
            if (now - state[0] < WARN_EVERY_MS) {
                state[1]++;
                return;
            }
            suppressed = state[1];
            state[0] = now;
            state[1] = 0;
        }
        LOG.warn("{}{}", message, suppressed == 0 ? "" : " (" + suppressed + " similar since the last warning)");
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
