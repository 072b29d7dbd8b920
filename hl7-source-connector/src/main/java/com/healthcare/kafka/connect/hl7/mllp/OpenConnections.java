package com.healthcare.kafka.connect.hl7.mllp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;

/**
 * The listener's open connections, oldest first, and how one is closed: its per-address slot is given back, its
 * unanswered frames are counted as undeliverable. Selector thread only, except {@link #count()}.
 */
final class OpenConnections {

    // The listener's logger: log settings made for MllpServer keep covering these lines.
    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    private final String name;
    private final ConnectionAdmission admission;
    private final Hl7SourceTaskMetrics metrics;
    private final Set<MllpConnection> connections = new LinkedHashSet<>();
    private volatile int openConnections;

    OpenConnections(String name, ConnectionAdmission admission, Hl7SourceTaskMetrics metrics) {
        this.name = name;
        this.admission = admission;
        this.metrics = metrics;
    }

    /** From any thread. */
    int count() {
        return openConnections;
    }

    int size() {
        return connections.size();
    }

    void add(MllpConnection connection) {
        connections.add(connection);
        openConnections = connections.size();
    }

    /** The connections in acceptance order, oldest first (a live view: do not close while iterating it). */
    Iterable<MllpConnection> oldestFirst() {
        return connections;
    }

    /** A copy, for loops that close connections. */
    List<MllpConnection> snapshot() {
        return new ArrayList<>(connections);
    }

    /** Closes the connection once it asked for it and nothing of it is still to be answered or written. */
    void closeIfDone(MllpConnection connection) {
        if (connection.closeWhenDone && !connection.closed && connection.pending.isEmpty()
                && connection.outbound.isEmpty() && connection.parked == null) {
            close(connection, true);
        }
    }

    void close(MllpConnection connection, boolean graceful) {
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
        LOG.debug("{}: closed the connection from {}{}", name, connection.remote, graceful ? "" : " (error)");
    }
}
