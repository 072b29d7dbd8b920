package com.healthcare.kafka.connect.hl7.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLSocketFactory;

/** A raw-socket MLLP client for tests: frames bytes, reads framed responses with a timeout. */
public final class MllpTestClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private MllpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static MllpTestClient connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setTcpNoDelay(true);
        return new MllpTestClient(socket);
    }

    public static MllpTestClient connectTls(int port, SSLSocketFactory factory) throws IOException {
        Socket socket = factory.createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new MllpTestClient(socket);
    }

    public static byte[] frame(String message, Charset charset) {
        byte[] body = message.getBytes(charset);
        byte[] framed = new byte[body.length + 3];
        framed[0] = 0x0B;
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = 0x1C;
        framed[body.length + 2] = 0x0D;
        return framed;
    }

    public void send(String message) throws IOException {
        sendRaw(frame(message, StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next response (MLLP envelope removed, as ISO-8859-1 text), or null when none came in time. */
    public String read(long timeoutMs) throws IOException {
        byte[] bytes = readBytes(timeoutMs);
        return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    public byte[] readBytes(long timeoutMs) throws IOException {
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
                    int cr = in.read();
                    if (cr != 0x0D && cr >= 0) {
                        body.write(0x1C);
                        body.write(cr);
                        continue;
                    }
                    return body.toByteArray();
                }
                body.write(b);
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Whether the server closed the connection (reads EOF within the timeout). */
    public boolean closedByServer(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) timeoutMs);
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
