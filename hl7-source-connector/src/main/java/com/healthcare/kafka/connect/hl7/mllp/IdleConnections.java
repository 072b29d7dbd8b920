package com.healthcare.kafka.connect.hl7.mllp;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;

/**
 * Closes connections that hold a slot without progress: a TLS handshake not finished in time, a frame not
 * completed within the idle timeout (slow senders), or nothing framed for the idle timeout. What arrived of an
 * unfinished frame is still recorded. Selector thread only.
 */
final class IdleConnections {

    // The listener's logger: log settings made for MllpServer keep covering these lines.
    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    private final MllpServer.Settings settings;
    private final long handshakeTimeoutNanos;
    private final OpenConnections connections;
    private final FrameReader reader;
    private final WarnLimiter warnings;
    private final Hl7SourceTaskMetrics metrics;

    IdleConnections(MllpServer.Settings settings, OpenConnections connections, FrameReader reader,
                    WarnLimiter warnings, Hl7SourceTaskMetrics metrics) {
        this.settings = settings;
        this.handshakeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(
                settings.guard.handshakeTimeoutMs());
        this.connections = connections;
        this.reader = reader;
        this.warnings = warnings;
        this.metrics = metrics;
    }

    void checkIdle(long now) {
        for (MllpConnection connection : connections.snapshot()) {
            if (connection.closed) {
                continue;
            }
            if (!connection.transport.established() && now - connection.acceptedNanos > handshakeTimeoutNanos) {
                warnings.warn("handshake-timeout", "{}: closed the connection from {}: no TLS handshake within "
                        + "hl7.security.handshake.timeout.ms ({} ms)", settings.name, connection.remote,
                        settings.guard.handshakeTimeoutMs());
                metrics.connectionsCut.increment();
                metrics.handshakesFailed.increment();
                connections.close(connection, false);
            } else if (connection.decoder.inFrame()
                    && now - connection.decoder.frameStartNanos() > settings.idleTimeoutNanos) {
                LOG.warn("{}: a frame from {} did not complete within hl7.idle.timeout.ms: closing the connection",
                        settings.name, connection.remote);
                metrics.connectionsCut.increment();
                FrameEvent rest = connection.decoder.finish("The frame did not complete within hl7.idle.timeout.ms");
                if (rest != null) {
                    reader.onEvent(connection, rest);
                }
                connections.close(connection, true);
            } else if (connection.pending.isEmpty() && connection.outbound.isEmpty() && connection.parked == null
                    && now - connection.lastActivityNanos > settings.idleTimeoutNanos) {
                LOG.debug("{}: closing the idle connection from {}", settings.name, connection.remote);
                metrics.connectionsCut.increment();
                // Bytes that arrived outside a frame (they do not count as activity) are still recorded.
                FrameEvent rest = connection.decoder.finish("The connection idled out after bytes outside a frame");
                if (rest != null) {
                    reader.onEvent(connection, rest);
                }
                connections.close(connection, true);
            }
        }
    }
}
