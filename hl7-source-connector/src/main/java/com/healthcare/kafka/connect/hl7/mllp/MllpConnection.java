package com.healthcare.kafka.connect.hl7.mllp;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

import com.healthcare.kafka.connect.hl7.delivery.FrameOwner;
import com.healthcare.kafka.connect.hl7.delivery.InboundFrame;

/**
 * One MLLP connection. All fields are used by the selector thread only, except {@link #frameCompleted}, which any
 * thread may call and which only hands the connection to the selector.
 */
final class MllpConnection implements FrameOwner {

    final MllpServer server;
    final SocketChannel channel;
    final Transport transport;
    final String remote;
    /** The peer's address, or null when unknown (then not counted per address). */
    final java.net.InetAddress address;
    final long acceptedNanos;
    final MllpFrameDecoder decoder;
    /** Bytes read but not yet decoded (reading paused by backpressure); null when there are none. */
    ByteBuffer readBuffer;
    /** Answerable frames in arrival order; responses are written in this order. */
    final ArrayDeque<InboundFrame> pending = new ArrayDeque<>();
    final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();
    final AtomicBoolean readySignalled = new AtomicBoolean();
    SelectionKey key;
    long outboundBytes;
    long lastActivityNanos;
    /** Decoder events so far (frames and faults): reads that produce none are not activity. */
    long framesSeen;
    /** A frame that did not fit in the in-flight limits: reading is paused until it does. */
    InboundFrame parked;
    /** Reading paused because the peer does not read our responses. */
    boolean outboundBlocked;
    /** Nothing more is read: an oversized frame, end of input, or shutdown. */
    boolean readingStopped;
    /** Close once pending responses are written. */
    boolean closeWhenDone;
    boolean closed;

    MllpConnection(MllpServer server, SocketChannel channel, Transport transport, String remote,
                   java.net.InetAddress address, int maxFrameBytes) {
        this.server = server;
        this.channel = channel;
        this.transport = transport;
        this.remote = remote;
        this.address = address;
        this.acceptedNanos = System.nanoTime();
        this.decoder = new MllpFrameDecoder(maxFrameBytes);
        this.lastActivityNanos = System.nanoTime();
    }

    @Override
    public void frameCompleted(InboundFrame frame) {
        server.onFrameCompleted(this, frame);
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    /** Sets the selector interest to what the connection waits for now: input, room to write, or both. */
    void updateInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (wantsRead()) {
            ops |= SelectionKey.OP_READ;
        }
        if (!outbound.isEmpty() || transport.wantsWrite()) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Whether the selector should read from this connection now. */
    boolean wantsRead() {
        return !closed && parked == null && !outboundBlocked && !readingStopped;
    }
}
