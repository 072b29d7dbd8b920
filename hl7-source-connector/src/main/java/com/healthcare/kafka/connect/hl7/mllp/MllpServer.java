package com.healthcare.kafka.connect.hl7.mllp;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.delivery.InFlightLimiter;
import com.healthcare.kafka.connect.hl7.delivery.InboundFrame;
import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;
import com.healthcare.kafka.connect.hl7.parse.FrameContent;

/**
 * The MLLP listener of one task: one selector thread accepts, reads, frames and writes for every connection,
 * non-blocking, with bounded memory per connection. Frames go to the {@link MllpHandler}; responses are written
 * in arrival order per connection once the handler has completed a frame (after the Kafka commit).
 *
 * <p>Bounds: {@code maxConnections} (more are closed at once), {@code maxFrameBytes} per frame (an oversized
 * frame is cut off, answered and the connection closed), an idle timeout and a per-frame time limit (slow
 * senders), the in-flight limiter (when full, reading pauses: TCP backpressure), and 1 MiB of unread responses
 * per connection (a peer that does not read its ACKs is not read from either).
 */
public final class MllpServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    private static final int READ_BUFFER_BYTES = 32 * 1024;
    private static final long OUTBOUND_LIMIT_BYTES = 1024 * 1024;
    private static final int READS_PER_EVENT = 16;
    private static final long EXPIRY_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long IDLE_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** Only the selector thread reads, so connections share one read buffer (see readBufferOf). */
    private final ByteBuffer sharedReadBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);

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
    private final ConnectionAdmission admission;
    private final WarnLimiter warnings = new WarnLimiter(LOG);
    private final long handshakeTimeoutNanos;
    private final MllpHandler handler;
    private final InFlightLimiter limiter;
    private final Hl7SourceTaskMetrics metrics;
    private final Selector selector;
    private final ServerSocketChannel serverChannel;
    private final Set<MllpConnection> connections = new LinkedHashSet<>();
    private final ArrayDeque<MllpConnection> blocked = new ArrayDeque<>();
    private final ArrayDeque<MllpConnection> pendingReads = new ArrayDeque<>();
    /** Answerable frames in arrival order, for the ACK timeout. */
    private final ArrayDeque<InboundFrame> awaitingAck = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<MllpConnection> ready = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicBoolean limiterReleased = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int openConnections;
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
        this.admission = new ConnectionAdmission(settings.guard.allowedCidrs(),
                settings.guard.maxConnectionsPerAddress());
        this.handshakeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.guard.handshakeTimeoutMs());
        this.handler = handler;
        this.metrics = metrics;
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
        return openConnections;
    }

    private void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** From any thread: a frame of {@code connection} completed. */
    void onFrameCompleted(MllpConnection connection, InboundFrame frame) {
        limiter.release(frame.payload().length);
        if (frame.answerable() && connection.readySignalled.compareAndSet(false, true)) {
            ready.add(connection);
            wakeup();
        }
    }

    private void run() {
        try {
            while (running) {
                boolean busy = !pendingReads.isEmpty();
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
                        acceptAll();
                        continue;
                    }
                    MllpConnection connection = (MllpConnection) key.attachment();
                    try {
                        if (key.isWritable()) {
                            onWritable(connection);
                        }
                        if (key.isValid() && key.isReadable()) {
                            onReadable(connection);
                        }
                    } catch (IOException | RuntimeException e) {
                        onFailure(connection, e);
                    }
                }
                runCommands();
                processReady();
                if (limiterReleased.getAndSet(false)) {
                    unblock();
                }
                drainPendingReads();
                long now = System.nanoTime();
                if (now - lastExpiryScan >= EXPIRY_SCAN_NANOS) {
                    lastExpiryScan = now;
                    expireFrames(now);
                }
                if (now - lastIdleScan >= IDLE_SCAN_NANOS) {
                    lastIdleScan = now;
                    checkIdle(now);
                }
            }
        } catch (ClosedSelectorException e) {
            // Closed under us: shutting down.
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: MLLP listener stopped on an unexpected error", settings.name, e);
        } finally {
            for (MllpConnection connection : new ArrayList<>(connections)) {
                close(connection, false);
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

    private void acceptAll() throws IOException {
        SocketChannel channel;
        while ((channel = serverChannel.accept()) != null) {
            String remote = describe(channel);
            java.net.InetAddress address = addressOf(channel);
            ConnectionAdmission.Refusal refusal = address == null ? null : admission.admit(address);
            if (refusal != null) {
                metrics.connectionsRefused.increment();
                warnings.warn("refused-" + refusal.name(), "{}: refused a connection from {}: {}", settings.name,
                        remote, refusal.reason);
                closeQuietly(channel);
                continue;
            }
            if (connections.size() >= settings.maxConnections && !evictUnfinishedHandshake()) {
                metrics.connectionsRefused.increment();
                warnings.warn("refused-full", "{}: refused a connection from {}: hl7.max.connections ({}) are open",
                        settings.name, remote, settings.maxConnections);
                if (address != null) {
                    admission.closed(address);
                }
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                Transport transport;
                if (settings.sslContext != null) {
                    InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
                    SSLEngine engine = settings.sslContext.createSSLEngine(peer.getHostString(), peer.getPort());
                    engine.setUseClientMode(false);
                    engine.setSSLParameters(settings.sslParameters);
                    transport = new TlsTransport(channel, engine);
                } else {
                    transport = new PlainTransport(channel);
                }
                MllpConnection connection = new MllpConnection(this, channel, transport, remote, address,
                        settings.maxFrameBytes);
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connections.add(connection);
                openConnections = connections.size();
                metrics.connectionsAccepted.increment();
                LOG.debug("{}: connection from {}", settings.name, remote);
            } catch (IOException e) {
                LOG.debug("{}: cannot set up a connection from {}: {}", settings.name, remote,
                        e.getClass().getSimpleName());
                if (address != null) {
                    admission.closed(address);
                }
                closeQuietly(channel);
            }
        }
    }

    /**
     * The listener is full: makes room by closing the oldest TLS connection that has not finished its handshake
     * (sockets that never speak TLS must not lock out a client with a valid certificate). False when there is
     * none.
     */
    private boolean evictUnfinishedHandshake() {
        for (MllpConnection connection : connections) {
            if (!connection.transport.established()) {
                warnings.warn("handshake-evicted", "{}: closed the connection from {} to make room: its TLS "
                        + "handshake had not finished and hl7.max.connections ({}) are open", settings.name,
                        connection.remote, settings.maxConnections);
                metrics.connectionsCut.increment();
                close(connection, false);
                return true;
            }
        }
        return false;
    }

    private static java.net.InetAddress addressOf(SocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A connection failed: a refused TLS handshake is worth a (rate-limited) WARN, anything else a DEBUG line. */
    private void onFailure(MllpConnection connection, Exception e) {
        if (e instanceof javax.net.ssl.SSLException && !connection.transport.established()) {
            metrics.handshakesFailed.increment();
            String reason = TlsTransport.handshakeFailureReason(e);
            // Rate-limited per reason, so a flood of one kind does not hide another.
            warnings.warn("handshake-failed:" + reason, "{}: refused the TLS handshake of {}: {}", settings.name,
                    connection.remote, reason);
        } else {
            LOG.debug("{}: connection from {} failed: {}", settings.name, connection.remote,
                    e.getClass().getSimpleName());
        }
        closeBroken(connection);
    }

    private static String describe(SocketChannel channel) {
        try {
            InetSocketAddress address = (InetSocketAddress) channel.getRemoteAddress();
            return address.getAddress().getHostAddress() + ":" + address.getPort();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private void onReadable(MllpConnection connection) throws IOException {
        for (int i = 0; i < READS_PER_EVENT && connection.wantsRead(); i++) {
            ByteBuffer buffer = readBufferOf(connection);
            int read = connection.transport.read(buffer);
            if (read < 0) {
                onEndOfInput(connection);
                return;
            }
            if (read == 0) {
                if (buffer.position() > 0) {
                    decodeBuffered(connection);
                }
                break;
            }
            metrics.bytesReceived.add(read);
            long framesBefore = connection.framesSeen;
            decodeBuffered(connection);
            // Only framed input is activity: bytes outside a frame (a garbage trickle) do not keep a connection.
            if (connection.decoder.inFrame() || connection.framesSeen != framesBefore) {
                connection.lastActivityNanos = System.nanoTime();
            }
        }
        if (!connection.closed && connection.wantsRead() && connection.transport.hasBufferedInput()) {
            pendingReads.add(connection);
        }
        if (!connection.closed) {
            updateInterest(connection);
        }
    }

    private void drainPendingReads() {
        int n = pendingReads.size();
        for (int i = 0; i < n; i++) {
            MllpConnection connection = pendingReads.poll();
            if (connection == null || connection.closed) {
                continue;
            }
            try {
                onReadable(connection);
            } catch (IOException | RuntimeException e) {
                onFailure(connection, e);
            }
        }
    }

    /**
     * Where the next read of a connection goes: its own buffer while it holds bytes not yet decoded, else the
     * selector's shared buffer, so an idle connection costs no read buffer at all.
     */
    private ByteBuffer readBufferOf(MllpConnection connection) {
        return connection.readBuffer != null ? connection.readBuffer : sharedReadBuffer;
    }

    /**
     * After decoding: bytes left in the shared buffer (reading paused by backpressure) move to a buffer of the
     * connection's own; a connection's own buffer that is used up is dropped.
     */
    private void keepUndecoded(MllpConnection connection, ByteBuffer buffer) {
        if (buffer == sharedReadBuffer) {
            if (buffer.position() > 0) {
                buffer.flip();
                connection.readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES).put(buffer);
                buffer.clear();
            }
        } else if (buffer.position() == 0) {
            connection.readBuffer = null;
        }
    }

    /** Turns buffered bytes into frames until they run out or the in-flight limits stop us. */
    private void decodeBuffered(MllpConnection connection) {
        ByteBuffer buffer = readBufferOf(connection);
        buffer.flip();
        try {
            while (buffer.hasRemaining() && connection.parked == null && !connection.readingStopped) {
                FrameEvent event = connection.decoder.next(buffer);
                if (event == null) {
                    break;
                }
                onEvent(connection, event);
            }
            if (connection.decoder.garbageOverflowed() && !connection.readingStopped) {
                // Whatever this peer speaks, it is not MLLP. It gets a rejection before the close: nothing follows
                // on this connection that the unsolicited answer could be mistaken for.
                LOG.warn("{}: closing the connection from {}: more than hl7.max.message.bytes arrived outside MLLP "
                        + "frames", settings.name, connection.remote);
                metrics.connectionsCut.increment();
                connection.readingStopped = true;
                connection.closeWhenDone = true;
                FrameEvent rest = connection.decoder.finish("non-MLLP input");
                if (rest != null) {
                    InboundFrame frame = new InboundFrame(connection, InboundFrame.Kind.GARBAGE, rest.bytes(),
                            rest.detail(), true, settings.ackTimeoutNanos);
                    frame.closeConnectionAfterResponse(true);
                    admit(connection, frame, true);
                }
            }
        } finally {
            if (connection.readingStopped) {
                buffer.clear();
            } else {
                buffer.compact();
            }
            keepUndecoded(connection, buffer);
        }
        maybeCloseWhenDone(connection);
    }

    private void onEvent(MllpConnection connection, FrameEvent event) {
        connection.framesSeen++;
        InboundFrame frame;
        switch (event.kind()) {
            case FRAME:
                if (FrameContent.isBlank(event.bytes())) {
                    return;
                }
                frame = new InboundFrame(connection, InboundFrame.Kind.MESSAGE, event.bytes(), null, true,
                        settings.ackTimeoutNanos);
                admit(connection, frame, false);
                return;
            case OVERSIZED:
                LOG.warn("{}: a frame from {} exceeds hl7.max.message.bytes ({}): rejecting it and closing the "
                        + "connection", settings.name, connection.remote, settings.maxFrameBytes);
                metrics.connectionsCut.increment();
                frame = new InboundFrame(connection, InboundFrame.Kind.OVERSIZED, event.bytes(), event.detail(),
                        true, settings.ackTimeoutNanos);
                frame.closeConnectionAfterResponse(true);
                connection.readingStopped = true;
                connection.closeWhenDone = true;
                admit(connection, frame, true);
                return;
            case TRUNCATED:
                frame = new InboundFrame(connection, InboundFrame.Kind.TRUNCATED, event.bytes(), event.detail(),
                        false, settings.ackTimeoutNanos);
                admit(connection, frame, true);
                return;
            case GARBAGE:
                frame = new InboundFrame(connection, InboundFrame.Kind.GARBAGE, event.bytes(), event.detail(),
                        false, settings.ackTimeoutNanos);
                admit(connection, frame, true);
                return;
            default:
                throw new IllegalStateException(event.kind().name());
        }
    }

    private void admit(MllpConnection connection, InboundFrame frame, boolean force) {
        if (!limiter.tryAcquire(frame.payload().length, force)) {
            connection.parked = frame;
            blocked.add(connection);
            return;
        }
        hand(connection, frame);
    }

    private void hand(MllpConnection connection, InboundFrame frame) {
        metrics.framesReceived.increment();
        if (frame.answerable()) {
            connection.pending.add(frame);
            awaitingAck.add(frame);
        }
        handler.enqueue(frame);
    }

    /** The limiter has room again: resume parked connections in the order they were parked. */
    private void unblock() {
        while (!blocked.isEmpty()) {
            MllpConnection connection = blocked.peek();
            if (connection.closed || connection.parked == null) {
                blocked.poll();
                continue;
            }
            InboundFrame frame = connection.parked;
            if (!limiter.tryAcquire(frame.payload().length, false)) {
                return;
            }
            blocked.poll();
            connection.parked = null;
            hand(connection, frame);
            decodeBuffered(connection);
            if (!connection.closed) {
                updateInterest(connection);
                if (connection.wantsRead()) {
                    pendingReads.add(connection);
                }
            }
        }
    }

    private void onEndOfInput(MllpConnection connection) {
        connection.readingStopped = true;
        FrameEvent rest = connection.decoder.finish("The connection closed before the end of the frame");
        if (rest != null) {
            onEvent(connection, rest);
        }
        // A peer that half-closed may still read its ACKs: close once they are written.
        connection.closeWhenDone = true;
        maybeCloseWhenDone(connection);
        if (!connection.closed) {
            updateInterest(connection);
        }
    }

    private void onWritable(MllpConnection connection) throws IOException {
        connection.transport.flush();
        flush(connection);
        if (!connection.closed && connection.transport instanceof TlsTransport && connection.wantsRead()) {
            // A handshake message just went out: the peer's next one may already be buffered.
            pendingReads.add(connection);
        }
    }

    private void processReady() {
        MllpConnection connection;
        while ((connection = ready.poll()) != null) {
            connection.readySignalled.set(false);
            writeCompleted(connection);
        }
    }

    /** Writes the responses of completed frames at the head of the connection's queue, in order. */
    private void writeCompleted(MllpConnection connection) {
        while (!connection.pending.isEmpty() && connection.pending.peek().isCompleted()) {
            InboundFrame frame = connection.pending.poll();
            if (connection.closed) {
                metrics.undeliverable.increment();
                continue;
            }
            byte[] response = handler.render(frame);
            if (response != null) {
                ByteBuffer framed = ByteBuffer.allocate(response.length + 3);
                framed.put(MllpFrameDecoder.START_BLOCK).put(response).put(MllpFrameDecoder.END_BLOCK)
                        .put(MllpFrameDecoder.CARRIAGE_RETURN).flip();
                connection.outbound.add(framed);
                connection.outboundBytes += framed.remaining();
                metrics.ackLatencyNanos(System.nanoTime() - frame.receivedNanos());
            }
            if (frame.closeConnectionAfterResponse()) {
                connection.closeWhenDone = true;
            }
        }
        if (connection.closed) {
            return;
        }
        try {
            flush(connection);
        } catch (IOException e) {
            LOG.debug("{}: cannot write to {}: {}", settings.name, connection.remote, e.getClass().getSimpleName());
            closeBroken(connection);
        }
    }

    private void flush(MllpConnection connection) throws IOException {
        while (!connection.outbound.isEmpty()) {
            ByteBuffer head = connection.outbound.peek();
            int before = head.remaining();
            boolean done = connection.transport.write(head);
            int written = before - head.remaining();
            connection.outboundBytes -= written;
            if (written > 0) {
                connection.lastActivityNanos = System.nanoTime();
            }
            if (!done) {
                break;
            }
            connection.outbound.poll();
        }
        boolean wasBlocked = connection.outboundBlocked;
        connection.outboundBlocked = connection.outboundBytes > OUTBOUND_LIMIT_BYTES;
        if (wasBlocked && !connection.outboundBlocked && connection.wantsRead()) {
            decodeBuffered(connection);
            pendingReads.add(connection);
        }
        maybeCloseWhenDone(connection);
        if (!connection.closed) {
            updateInterest(connection);
        }
    }

    private void maybeCloseWhenDone(MllpConnection connection) {
        if (connection.closeWhenDone && !connection.closed && connection.pending.isEmpty()
                && connection.outbound.isEmpty() && connection.parked == null) {
            close(connection, true);
        }
    }

    private void updateInterest(MllpConnection connection) {
        if (connection.closed || !connection.key.isValid()) {
            return;
        }
        int ops = 0;
        if (connection.wantsRead()) {
            ops |= SelectionKey.OP_READ;
        }
        if (!connection.outbound.isEmpty() || connection.transport.wantsWrite()) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (connection.key.interestOps() != ops) {
            connection.key.interestOps(ops);
        }
    }

    /** ACK timeout: frames not completed in time are answered with an error. */
    private void expireFrames(long now) {
        while (!awaitingAck.isEmpty()) {
            InboundFrame head = awaitingAck.peek();
            if (head.isCompleted()) {
                awaitingAck.poll();
                continue;
            }
            if (now - head.deadlineNanos() < 0) {
                return;
            }
            handler.expire(head);
            if (!head.isCompleted()) {
                // Parts are still being added by the poll thread: retry on the next scan.
                return;
            }
            awaitingAck.poll();
        }
    }

    private void checkIdle(long now) {
        for (MllpConnection connection : new ArrayList<>(connections)) {
            if (connection.closed) {
                continue;
            }
            if (!connection.transport.established() && now - connection.acceptedNanos > handshakeTimeoutNanos) {
                warnings.warn("handshake-timeout", "{}: closed the connection from {}: no TLS handshake within "
                        + "hl7.security.handshake.timeout.ms ({} ms)", settings.name, connection.remote,
                        settings.guard.handshakeTimeoutMs());
                metrics.connectionsCut.increment();
                metrics.handshakesFailed.increment();
                close(connection, false);
            } else if (connection.decoder.inFrame()
                    && now - connection.decoder.frameStartNanos() > settings.idleTimeoutNanos) {
                LOG.warn("{}: a frame from {} did not complete within hl7.idle.timeout.ms: closing the connection",
                        settings.name, connection.remote);
                metrics.connectionsCut.increment();
                FrameEvent rest = connection.decoder.finish("The frame did not complete within hl7.idle.timeout.ms");
                if (rest != null) {
                    onEvent(connection, rest);
                }
                close(connection, true);
            } else if (connection.pending.isEmpty() && connection.outbound.isEmpty() && connection.parked == null
                    && now - connection.lastActivityNanos > settings.idleTimeoutNanos) {
                LOG.debug("{}: closing the idle connection from {}", settings.name, connection.remote);
                metrics.connectionsCut.increment();
                // Bytes that arrived outside a frame (they do not count as activity) are still recorded.
                FrameEvent rest = connection.decoder.finish("The connection idled out after bytes outside a frame");
                if (rest != null) {
                    onEvent(connection, rest);
                }
                close(connection, true);
            }
        }
    }

    /**
     * Closes a connection that failed (e.g. reset by the peer). What already arrived of an unfinished frame, or
     * bytes outside a frame, goes to the error topic like at an orderly close: a reset must not drop received
     * input silently. Input held back by backpressure was never admitted (nor answered) and is not recorded.
     */
    private void closeBroken(MllpConnection connection) {
        if (!connection.closed && !connection.readingStopped && connection.parked == null) {
            connection.readingStopped = true;
            try {
                FrameEvent rest = connection.decoder.finish("The connection failed before the end of the frame");
                if (rest != null) {
                    onEvent(connection, rest);
                }
            } catch (RuntimeException e) {
                LOG.debug("{}: cannot record the cut-off input from {}: {}", settings.name, connection.remote,
                        e.getClass().getSimpleName());
            }
        }
        close(connection, false);
    }

    private void close(MllpConnection connection, boolean graceful) {
        if (connection.closed) {
            return;
        }
        connection.closed = true;
        if (connection.address != null) {
            admission.closed(connection.address);
        }
        connection.transport.close();
        if (connection.key != null) {
            connection.key.cancel();
        }
        connections.remove(connection);
        openConnections = connections.size();
        if (connection.parked != null) {
            // Never admitted, so never stored: the sender got no ACK and resends.
            connection.parked = null;
        }
        int unanswered = connection.pending.size();
        connection.pending.clear();
        if (unanswered > 0) {
            metrics.undeliverable.add(unanswered);
        }
        LOG.debug("{}: closed the connection from {}{}", settings.name, connection.remote,
                graceful ? "" : " (error)");
    }

    /**
     * Stops accepting and reading; responses still flow. From any thread; returns once the selector thread has
     * done it (or at once if it is not running).
     */
    public void stopReading() {
        CountDownLatch done = new CountDownLatch(1);
        commands.add(() -> {
            closeQuietly(serverChannel);
            for (MllpConnection connection : connections) {
                connection.readingStopped = true;
                updateInterest(connection);
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
            processReady();
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

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
