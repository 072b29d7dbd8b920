package com.healthcare.kafka.connect.hl7.mllp;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.delivery.InFlightLimiter;
import com.healthcare.kafka.connect.hl7.delivery.InboundFrame;
import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;

/**
 * The MLLP listener of one task: one selector thread accepts, reads, frames and writes for every connection,
 * non-blocking, with bounded memory per connection. Frames go to the {@link MllpHandler}; responses are written
 * in arrival order per connection once the handler has completed a frame (after the Kafka commit).
 *
 * <p>Bounds: {@code maxConnections} (more are closed at once), {@code maxFrameBytes} per frame (an oversized
 * frame is cut off, answered and the connection closed), an idle timeout and a per-frame time limit (slow
 * senders), the in-flight limiter (when full, reading pauses: TCP backpressure), and 1 MiB of unread responses
 * per connection (a peer that does not read its ACKs is not read from either).
 *
 * <p>This class owns the socket, the thread and its loop; the work is done by {@link ConnectionAcceptor}
 * (admission, TLS set-up), {@link FrameReader} (reading, framing, backpressure), {@link ResponseWriter} (ACKs in
 * order), {@link AckDeadlines} and {@link IdleConnections} (timeouts) over the {@link OpenConnections}.
 */
public final class MllpServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    private static final long EXPIRY_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long IDLE_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** Listener settings. */
    public static final class Settings {
        final String host;
        final int port;
        final boolean reusePort;
        final int maxConnections;
        final int maxFrameBytes;
        final long idleTimeoutNanos;
        final long ackTimeoutNanos;
        final SSLContext sslContext;
        final SSLParameters sslParameters;
        final String name;
        final Guard guard;

        public Settings(String host, int port, boolean reusePort, int maxConnections, int maxFrameBytes,
                        long idleTimeoutMs, long ackTimeoutMs, SSLContext sslContext, SSLParameters sslParameters,
                        String name, Guard guard) {
            this.guard = guard;
            this.host = host;
            this.port = port;
            this.reusePort = reusePort;
            this.maxConnections = maxConnections;
            this.maxFrameBytes = maxFrameBytes;
            this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
            this.ackTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
            this.sslContext = sslContext;
            this.sslParameters = sslParameters;
            this.name = name;
        }
    }

    /**
     * Fair share for honest senders: allowed address blocks (empty: all), open connections per source address (0:
     * no limit), and how long a TLS connection may take to finish its handshake.
     */
    public record Guard(List<Cidr> allowedCidrs, int maxConnectionsPerAddress, long handshakeTimeoutMs) {
        public static final Guard NONE = new Guard(List.of(), 0, 10_000);
    }

    private final Settings settings;
    private final WarnLimiter warnings = new WarnLimiter(LOG);
    private final InFlightLimiter limiter;
    private final Selector selector;
    private final ServerSocketChannel serverChannel;
    private final OpenConnections connections;
    private final ConnectionAcceptor acceptor;
    private final AckDeadlines ackDeadlines;
    private final FrameReader reader;
    private final ResponseWriter writer;
    private final IdleConnections idle;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicBoolean limiterReleased = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;
    private long lastExpiryScan;
    private long lastIdleScan;
    private final int boundPort;

    /**
     * Binds the listener (so a port in use fails the task's start with a clear error) and starts the selector
     * thread.
     */
    public MllpServer(Settings settings, MllpHandler handler, int maxInFlightFrames, long maxInFlightBytes,
                      Hl7SourceTaskMetrics metrics) throws IOException {
        this.settings = settings;
        ConnectionAdmission admission = new ConnectionAdmission(settings.guard.allowedCidrs(),
                settings.guard.maxConnectionsPerAddress());
        this.limiter = new InFlightLimiter(maxInFlightFrames, maxInFlightBytes, () -> {
            limiterReleased.set(true);
            wakeup();
        });
        this.selector = Selector.open();
        this.serverChannel = ServerSocketChannel.open();
        try {
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (settings.reusePort) {
                if (serverChannel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    serverChannel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                } else {
                    LOG.warn("{}: SO_REUSEPORT is not supported on this platform: with tasks.max > 1 only one task "
                            + "per worker can bind the port", settings.name);
                }
            }
            serverChannel.bind(new InetSocketAddress(settings.host, settings.port), 256);
            serverChannel.configureBlocking(false);
            serverChannel.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            closeQuietly(serverChannel);
            closeQuietly(selector);
            throw new IOException("Cannot listen for MLLP on " + settings.host + ":" + settings.port + ": "
                    + e.getMessage(), e);
        }
        this.boundPort = ((InetSocketAddress) serverChannel.getLocalAddress()).getPort();
        this.connections = new OpenConnections(settings.name, admission, metrics);
        this.acceptor = new ConnectionAcceptor(this, settings, selector, serverChannel, admission, connections,
                warnings, metrics);
        this.ackDeadlines = new AckDeadlines(handler);
        this.reader = new FrameReader(settings, handler, limiter, ackDeadlines, connections, warnings, metrics);
        this.writer = new ResponseWriter(settings.name, handler, connections, reader, metrics);
        this.idle = new IdleConnections(settings, connections, reader, warnings, metrics);
        this.thread = new Thread(this::run, settings.name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The port actually bound (useful with port 0 in tests). */
    public int port() {
        return boundPort;
    }

    public InFlightLimiter limiter() {
        return limiter;
    }

    public int openConnections() {
        return connections.count();
    }

    private void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** From any thread: a frame of {@code connection} completed. */
    void onFrameCompleted(MllpConnection connection, InboundFrame frame) {
        limiter.release(frame.payload().length);
        if (frame.answerable() && writer.signalReady(connection)) {
            wakeup();
        }
    }

    private void run() {
        try {
            while (running) {
                boolean busy = reader.hasPendingReads();
                if (busy) {
                    selector.selectNow();
                } else {
                    selector.select(EXPIRY_SCAN_NANOS / 1_000_000);
                }
                wakeupPending.set(false);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptor.acceptAll();
                        continue;
                    }
                    MllpConnection connection = (MllpConnection) key.attachment();
                    try {
                        if (key.isWritable()) {
                            writer.onWritable(connection);
                        }
                        if (key.isValid() && key.isReadable()) {
                            reader.onReadable(connection);
                        }
                    } catch (IOException | RuntimeException e) {
                        reader.onFailure(connection, e);
                    }
                }
                runCommands();
                writer.processReady();
                if (limiterReleased.getAndSet(false)) {
                    reader.unblock();
                }
                reader.drainPendingReads();
                long now = System.nanoTime();
                if (now - lastExpiryScan >= EXPIRY_SCAN_NANOS) {
                    lastExpiryScan = now;
                    ackDeadlines.expireFrames(now);
                }
                if (now - lastIdleScan >= IDLE_SCAN_NANOS) {
                    lastIdleScan = now;
                    idle.checkIdle(now);
                }
            }
        } catch (ClosedSelectorException e) {
            // Closed under us: shutting down.
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: MLLP listener stopped on an unexpected error", settings.name, e);
        } finally {
            for (MllpConnection connection : connections.snapshot()) {
                connections.close(connection, false);
            }
            closeQuietly(serverChannel);
            closeQuietly(selector);
        }
    }

    private void runCommands() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
        }
    }

    /**
     * Stops accepting and reading; responses still flow. From any thread; returns once the selector thread has
     * done it (or at once if it is not running).
     */
    public void stopReading() {
        CountDownLatch done = new CountDownLatch(1);
        commands.add(() -> {
            closeQuietly(serverChannel);
            for (MllpConnection connection : connections.oldestFirst()) {
                connection.readingStopped = true;
                connection.updateInterest();
            }
            done.countDown();
        });
        wakeup();
        awaitLatch(done, 5_000);
    }

    /** Waits (bounded) until the selector thread has written every response completed so far. */
    public void flushCompleted(long timeoutMs) {
        CountDownLatch done = new CountDownLatch(1);
        commands.add(() -> {
            writer.processReady();
            done.countDown();
        });
        wakeup();
        awaitLatch(done, timeoutMs);
    }

    private void awaitLatch(CountDownLatch latch, long timeoutMs) {
        if (!thread.isAlive()) {
            return;
        }
        try {
            latch.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes every connection without further responses and stops the thread. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{}: the MLLP listener thread did not stop within 5 s", settings.name);
        }
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
