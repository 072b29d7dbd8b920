package com.healthcare.kafka.connect.hl7.mllp;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A non-blocking byte stream over a socket channel: plain TCP or TLS. Used by the selector thread only. */
interface Transport {

    /** Reads application bytes into {@code dst}; 0 when none are available now, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes as much of {@code src} as the socket takes now. Returns true when {@code src} is used up and nothing
     * of it waits in the transport (the caller keeps the remainder otherwise and retries on OP_WRITE).
     */
    boolean write(ByteBuffer src) throws IOException;

    /** Flushes bytes the transport itself holds (TLS records, handshake messages); true when none remain. */
    boolean flush() throws IOException;

    /** Whether the transport needs OP_WRITE for its own sake (a pending handshake message). */
    boolean wantsWrite();

    /** Whether decrypted bytes are buffered that a read would return without touching the socket. */
    boolean hasBufferedInput();

    /** Whether the connection is ready for MLLP: always for plain TCP, after the first handshake for TLS. */
    boolean established();

    /** Closes the channel (for TLS, after a best-effort close_notify). */
    void close();
}
