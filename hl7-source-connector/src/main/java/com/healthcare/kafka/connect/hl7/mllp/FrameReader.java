package com.healthcare.kafka.connect.hl7.mllp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.delivery.InFlightLimiter;
import com.healthcare.kafka.connect.hl7.delivery.InboundFrame;
import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;
import com.healthcare.kafka.connect.hl7.parse.FrameContent;

/**
 * The inbound side of the listener: reads bytes, decodes them into frames and faults, and hands them to the
 * {@link MllpHandler} within the in-flight limits. A frame that does not fit parks its connection (reading pauses:
 * TCP backpressure) until {@link #unblock()}. Input cut off by a close or a failure is still recorded. Selector
 * thread only.
 */
final class FrameReader {

    // The listener's logger: log settings made for MllpServer keep covering these lines.
    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    private static final int READ_BUFFER_BYTES = 32 * 1024;
    private static final int READS_PER_EVENT = 16;

    /** Only the selector thread reads, so connections share one read buffer (see readBufferOf). */
    private final ByteBuffer sharedReadBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final ArrayDeque<MllpConnection> blocked = new ArrayDeque<>();
    private final ArrayDeque<MllpConnection> pendingReads = new ArrayDeque<>();
    private final MllpServer.Settings settings;
    private final MllpHandler handler;
    private final InFlightLimiter limiter;
    private final AckDeadlines ackDeadlines;
    private final OpenConnections connections;
    private final WarnLimiter warnings;
    private final Hl7SourceTaskMetrics metrics;

    FrameReader(MllpServer.Settings settings, MllpHandler handler, InFlightLimiter limiter, AckDeadlines ackDeadlines,
                OpenConnections connections, WarnLimiter warnings, Hl7SourceTaskMetrics metrics) {
        this.settings = settings;
        this.handler = handler;
        this.limiter = limiter;
        this.ackDeadlines = ackDeadlines;
        this.connections = connections;
        this.warnings = warnings;
        this.metrics = metrics;
    }

    /** Whether connections wait for a read without a selector event (their input is already buffered). */
    boolean hasPendingReads() {
        return !pendingReads.isEmpty();
    }

    /** Reads from {@code connection} on this turn of the loop even without a selector event. */
    void schedule(MllpConnection connection) {
        pendingReads.add(connection);
    }

    void onReadable(MllpConnection connection) throws IOException {
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
            connection.updateInterest();
        }
    }

    void drainPendingReads() {
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
    void decodeBuffered(MllpConnection connection) {
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
        connections.closeIfDone(connection);
    }

    void onEvent(MllpConnection connection, FrameEvent event) {
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
            ackDeadlines.track(frame);
        }
        handler.enqueue(frame);
    }

    /** The limiter has room again: resume parked connections in the order they were parked. */
    void unblock() {
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
                connection.updateInterest();
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
        connections.closeIfDone(connection);
        if (!connection.closed) {
            connection.updateInterest();
        }
    }

    /** A connection failed: a refused TLS handshake is worth a (rate-limited) WARN, anything else a DEBUG line. */
    void onFailure(MllpConnection connection, Exception e) {
        if (e instanceof SSLException && !connection.transport.established()) {
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

    /**
     * Closes a connection that failed (e.g. reset by the peer). What already arrived of an unfinished frame, or
     * bytes outside a frame, goes to the error topic like at an orderly close: a reset must not drop received
     * input silently. Input held back by backpressure was never admitted (nor answered) and is not recorded.
     */
    void closeBroken(MllpConnection connection) {
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
        connections.close(connection, false);
    }
}
