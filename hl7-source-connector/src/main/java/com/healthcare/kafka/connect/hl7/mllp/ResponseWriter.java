package com.healthcare.kafka.connect.hl7.mllp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.delivery.InboundFrame;
import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;

/**
 * The outbound side of the listener: writes the responses of completed frames in arrival order per connection,
 * MLLP-framed, and pauses reading from a peer that leaves more than 1 MiB of them unread. Selector thread only,
 * except {@link #signalReady}.
 */
final class ResponseWriter {

    // The listener's logger: log settings made for MllpServer keep covering these lines.
    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    private static final long OUTBOUND_LIMIT_BYTES = 1024 * 1024;

    private final String name;
    private final MllpHandler handler;
    private final OpenConnections connections;
    private final FrameReader reader;
    private final Hl7SourceTaskMetrics metrics;
    private final ConcurrentLinkedQueue<MllpConnection> ready = new ConcurrentLinkedQueue<>();

    ResponseWriter(String name, MllpHandler handler, OpenConnections connections, FrameReader reader,
                   Hl7SourceTaskMetrics metrics) {
        this.name = name;
        this.handler = handler;
        this.connections = connections;
        this.reader = reader;
        this.metrics = metrics;
    }

    /**
     * From any thread: {@code connection} has a completed frame to answer. True when the selector must be woken
     * up (the connection was not already signalled).
     */
    boolean signalReady(MllpConnection connection) {
        if (connection.readySignalled.compareAndSet(false, true)) {
            ready.add(connection);
            return true;
        }
        return false;
    }

    void processReady() {
        MllpConnection connection;
        while ((connection = ready.poll()) != null) {
            connection.readySignalled.set(false);
            writeCompleted(connection);
        }
    }

    void onWritable(MllpConnection connection) throws IOException {
        connection.transport.flush();
        flush(connection);
        if (!connection.closed && connection.transport instanceof TlsTransport && connection.wantsRead()) {
            // A handshake message just went out: the peer's next one may already be buffered.
            reader.schedule(connection);
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
            LOG.debug("{}: cannot write to {}: {}", name, connection.remote, e.getClass().getSimpleName());
            reader.closeBroken(connection);
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
            reader.decodeBuffered(connection);
            reader.schedule(connection);
        }
        connections.closeIfDone(connection);
        if (!connection.closed) {
            connection.updateInterest();
        }
    }
}
