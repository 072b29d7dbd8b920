package com.healthcare.kafka.connect.it.hl7;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import javax.net.SocketFactory;

/** A raw-socket MLLP sender: exactly the bytes we choose, and the responses as sent. */
final class MllpSocketClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private MllpSocketClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static MllpSocketClient connect(int port) throws IOException {
        return connect(port, SocketFactory.getDefault());
    }

    static MllpSocketClient connect(int port, SocketFactory factory) throws IOException {
        Socket socket = factory.createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setTcpNoDelay(true);
        return new MllpSocketClient(socket);
    }

    static byte[] frame(byte[] body) {
        byte[] framed = new byte[body.length + 3];
        framed[0] = 0x0B;
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = 0x1C;
        framed[body.length + 2] = 0x0D;
        return framed;
    }

    void send(String message) throws IOException {
        send(message, StandardCharsets.UTF_8);
    }

    void send(String message, Charset charset) throws IOException {
        sendRaw(frame(message.getBytes(charset)));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends and waits for the response. */
    String exchange(String message, long timeoutMs) throws IOException {
        send(message);
        return read(timeoutMs);
    }

    /** The next response without its envelope, or null on timeout or end of stream. */
    String read(long timeoutMs) throws IOException {
        byte[] bytes = readBytes(timeoutMs);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    byte[] readBytes(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) timeoutMs);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean started = false;
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (!started) {
                    started = b == 0x0B;
                    continue;
                }
                if (b == 0x1C) {
                    in.read();
                    return body.toByteArray();
                }
                body.write(b);
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Whether the server closes the connection within the timeout. */
    boolean closedByServer(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) timeoutMs);
        try {
            while (in.read() >= 0) {
                // Drain whatever comes before the close.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static String segment(String response, String id) {
        if (response == null) {
            return null;
        }
        for (String segment : response.split("\r")) {
            if (segment.startsWith(id + "|")) {
                return segment;
            }
        }
        return null;
    }

    /** MSA-1 of a response, or null. */
    static String ackCode(String response) {
        String msa = segment(response, "MSA");
        return msa == null ? null : msa.split("\\|", -1)[1];
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
