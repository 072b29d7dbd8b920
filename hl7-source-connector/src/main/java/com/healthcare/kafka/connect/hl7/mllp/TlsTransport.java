package com.healthcare.kafka.connect.hl7.mllp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a non-blocking channel with an {@link SSLEngine} in server mode. The handshake is driven by reads
 * and writes; delegated tasks run inline on the selector thread (handshakes are rare next to messages).
 */
final class TlsTransport implements Transport {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Bytes read from the socket, not yet unwrapped (read mode between calls). */
    private ByteBuffer netIn;
    /** Bytes wrapped, not yet written to the socket (read mode between calls). */
    private ByteBuffer netOut;
    /** Decrypted bytes not yet handed out (read mode between calls). */
    private ByteBuffer appIn;
    private boolean inboundClosed;
    /** The first handshake finished: the peer spoke TLS and passed our checks. */
    private boolean established;

    TlsTransport(SocketChannel channel, SSLEngine engine) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        int app = engine.getSession().getApplicationBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.netOut.flip();
        this.appIn = ByteBuffer.allocate(app);
        this.appIn.flip();
        engine.beginHandshake();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (appIn.hasRemaining()) {
            return drainAppIn(dst);
        }
        if (inboundClosed) {
            return -1;
        }
        int read = channel.read(netIn);
        boolean eof = read < 0;
        unwrapAll();
        if (appIn.hasRemaining()) {
            return drainAppIn(dst);
        }
        if (eof || inboundClosed) {
            return -1;
        }
        return 0;
    }

    private int drainAppIn(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), appIn.remaining());
        if (n == 0) {
            return 0;
        }
        ByteBuffer slice = appIn.duplicate();
        slice.limit(slice.position() + n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        return n;
    }

    /** Unwraps whatever netIn holds, answering handshake needs on the way. */
    private void unwrapAll() throws IOException {
        netIn.flip();
        try {
            while (true) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    runTasks();
                    continue;
                }
                if (hs == HandshakeStatus.NEED_WRAP) {
                    wrap(EMPTY);
                    if (netOut.hasRemaining() && !flush()) {
                        // The peer is slow to read our handshake; retry on OP_WRITE and the next read.
                        return;
                    }
                    continue;
                }
                if (!netIn.hasRemaining()) {
                    return;
                }
                appIn.compact();
                SSLEngineResult result;
                try {
                    result = engine.unwrap(netIn, appIn);
                } finally {
                    appIn.flip();
                }
                noteFinished(result);
                switch (result.getStatus()) {
                    case OK:
                        break;
                    case BUFFER_UNDERFLOW:
                        if (netIn.limit() == netIn.capacity() && netIn.position() == 0) {
                            netIn = enlargeReadMode(netIn, engine.getSession().getPacketBufferSize());
                        }
                        return;
                    case BUFFER_OVERFLOW:
                        appIn = enlargeReadMode(appIn, engine.getSession().getApplicationBufferSize());
                        break;
                    case CLOSED:
                        inboundClosed = true;
                        return;
                    default:
                        throw new IllegalStateException(result.getStatus().name());
                }
            }
        } finally {
            netIn.compact();
        }
    }

    @Override
    public boolean write(ByteBuffer src) throws IOException {
        if (!flush()) {
            return false;
        }
        while (src.hasRemaining()) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            if (hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                // Application data waits for the handshake, which only reads can advance.
                return false;
            }
            wrap(src);
            if (!flush()) {
                return false;
            }
        }
        return true;
    }

    private void wrap(ByteBuffer src) throws IOException {
        netOut.compact();
        try {
            while (true) {
                SSLEngineResult result = engine.wrap(src, netOut);
                noteFinished(result);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    netOut.flip();
                    netOut = enlargeReadMode(netOut, engine.getSession().getPacketBufferSize());
                    netOut.compact();
                    continue;
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SSLException("TLS engine closed");
                }
                return;
            }
        } finally {
            netOut.flip();
        }
    }

    @Override
    public boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean wantsWrite() {
        return netOut.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.hasRemaining();
    }

    private void noteFinished(SSLEngineResult result) {
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            established = true;
        }
    }

    /**
     * Why a handshake failed, for the log: the peer's address goes beside it, never certificate contents beyond
     * what the JDK's message says about trust.
     */
    static String handshakeFailureReason(Throwable failure) {
        String text = String.valueOf(failure.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (text.contains("empty client certificate") || text.contains("null cert chain")
                || text.contains("peer not authenticated") || text.contains("bad_certificate")
                && text.contains("received")) {
            return "no client certificate";
        }
        if (text.contains("pkix") || text.contains("certification path") || text.contains("certificate_unknown")
                || text.contains("unknown_ca") || text.contains("untrusted")) {
            return "certificate not trusted (wrong CA)";
        }
        if (text.contains("unrecognized ssl message") || text.contains("plaintext")) {
            return "protocol: the peer did not speak TLS";
        }
        if (text.contains("protocol") || text.contains("cipher")) {
            return "protocol: no common TLS version or cipher suite";
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        return failure.getClass().getSimpleName() + ": "
                + (message.length() > 120 ? message.substring(0, 120) : message).replaceAll("[^\\x20-\\x7E]", "?");
    }

    @Override
    public boolean established() {
        return established;
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** A larger copy of a buffer in read mode, itself in read mode. */
    private static ByteBuffer enlargeReadMode(ByteBuffer readModeBuffer, int atLeast) {
        int capacity = Math.max(readModeBuffer.capacity() * 2, atLeast + readModeBuffer.remaining());
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(readModeBuffer);
        bigger.flip();
        return bigger;
    }

    @Override
    public void close() {
        try {
            engine.closeOutbound();
            wrap(EMPTY);
            flush();
        } catch (IOException | RuntimeException ignored) {
            // Best effort close_notify.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing.
        }
    }
}
