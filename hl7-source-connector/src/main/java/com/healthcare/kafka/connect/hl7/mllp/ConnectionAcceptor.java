package com.healthcare.kafka.connect.hl7.mllp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;

/**
 * Takes new connections off the listening socket: refuses those the allow-list, the per-address limit or the total
 * limit do not let in (making room by evicting an unfinished TLS handshake first), and sets up the plain or TLS
 * transport of the rest. Selector thread only.
 */
final class ConnectionAcceptor {

    // The listener's logger: log settings made for MllpServer keep covering these lines.
    private static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    private final MllpServer server;
    private final MllpServer.Settings settings;
    private final Selector selector;
    private final ServerSocketChannel serverChannel;
    private final ConnectionAdmission admission;
    private final OpenConnections connections;
    private final WarnLimiter warnings;
    private final Hl7SourceTaskMetrics metrics;

    ConnectionAcceptor(MllpServer server, MllpServer.Settings settings, Selector selector,
                       ServerSocketChannel serverChannel, ConnectionAdmission admission, OpenConnections connections,
                       WarnLimiter warnings, Hl7SourceTaskMetrics metrics) {
        this.server = server;
        this.settings = settings;
        this.selector = selector;
        this.serverChannel = serverChannel;
        this.admission = admission;
        this.connections = connections;
        this.warnings = warnings;
        this.metrics = metrics;
    }

    void acceptAll() throws IOException {
        SocketChannel channel;
        while ((channel = serverChannel.accept()) != null) {
            String remote = describe(channel);
            InetAddress address = addressOf(channel);
            ConnectionAdmission.Refusal refusal = address == null ? null : admission.admit(address);
            if (refusal != null) {
                metrics.connectionsRefused.increment();
                warnings.warn("refused-" + refusal.name(), "{}: refused a connection from {}: {}", settings.name,
                        remote, refusal.reason);
                MllpServer.closeQuietly(channel);
                continue;
            }
            if (connections.size() >= settings.maxConnections && !evictUnfinishedHandshake()) {
                metrics.connectionsRefused.increment();
                warnings.warn("refused-full", "{}: refused a connection from {}: hl7.max.connections ({}) are open",
                        settings.name, remote, settings.maxConnections);
                if (address != null) {
                    admission.closed(address);
                }
                MllpServer.closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                MllpConnection connection = new MllpConnection(server, channel, transportOf(channel), remote,
                        address, settings.maxFrameBytes);
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connections.add(connection);
                metrics.connectionsAccepted.increment();
                LOG.debug("{}: connection from {}", settings.name, remote);
            } catch (IOException e) {
                LOG.debug("{}: cannot set up a connection from {}: {}", settings.name, remote,
                        e.getClass().getSimpleName());
                if (address != null) {
                    admission.closed(address);
                }
                MllpServer.closeQuietly(channel);
            }
        }
    }

    private Transport transportOf(SocketChannel channel) throws IOException {
        if (settings.sslContext == null) {
            return new PlainTransport(channel);
        }
        InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
        SSLEngine engine = settings.sslContext.createSSLEngine(peer.getHostString(), peer.getPort());
        engine.setUseClientMode(false);
        engine.setSSLParameters(settings.sslParameters);
        return new TlsTransport(channel, engine);
    }

    /**
     * The listener is full: makes room by closing the oldest TLS connection that has not finished its handshake
     * (sockets that never speak TLS must not lock out a client with a valid certificate). False when there is
     * none.
     */
    private boolean evictUnfinishedHandshake() {
        for (MllpConnection connection : connections.oldestFirst()) {
            if (!connection.transport.established()) {
                warnings.warn("handshake-evicted", "{}: closed the connection from {} to make room: its TLS "
                        + "handshake had not finished and hl7.max.connections ({}) are open", settings.name,
                        connection.remote, settings.maxConnections);
                metrics.connectionsCut.increment();
                connections.close(connection, false);
                return true;
            }
        }
        return false;
    }

    private static InetAddress addressOf(SocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String describe(SocketChannel channel) {
        try {
            InetSocketAddress address = (InetSocketAddress) channel.getRemoteAddress();
            return address.getAddress().getHostAddress() + ":" + address.getPort();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
