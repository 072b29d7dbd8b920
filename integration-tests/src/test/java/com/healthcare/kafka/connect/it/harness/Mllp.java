package com.healthcare.kafka.connect.it.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal MLLP client over a raw socket: one frame of any bytes out, one acknowledgement frame back. */
public final class Mllp implements AutoCloseable {

    private static final int START = 0x0B;
    private static final int END = 0x1C;
    private static final int CR = 0x0D;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public Mllp(int port) throws IOException {
        this(port, 60_000);
    }

    private Mllp(int port, int timeoutMs) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(timeoutMs);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** Sends one message (segments separated by CR) and returns the acknowledgement message's text. */
    public String send(String message) throws IOException {
        return send(message.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one frame of these bytes and returns the acknowledgement message's text. */
    public String send(byte[] message) throws IOException {
        String ack = exchange(message);
        if (ack == null) {
            throw new IOException("connection closed before an acknowledgement");
        }
        return ack;
    }

    /** One exchange on a new connection: the response's text, or null when the server closed without one. */
    public static String exchange(int port, String message, int timeoutMs) throws IOException {
        try (Mllp mllp = new Mllp(port, timeoutMs)) {
            return mllp.exchange(message.getBytes(StandardCharsets.UTF_8));
        }
    }

    private String exchange(byte[] message) throws IOException {
        out.write(START);
        out.write(message);
        out.write(END);
        out.write(CR);
        out.flush();
        int b;
        while ((b = in.read()) != START) {
            if (b < 0) {
                return null;
            }
        }
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        while ((b = in.read()) != END) {
            if (b < 0) {
                throw new IOException("acknowledgement frame not terminated");
            }
            ack.write(b);
        }
        in.read(); // the CR after 0x1C
        return ack.toString(StandardCharsets.UTF_8);
    }

    /** MSA-1 of an acknowledgement (AA, AE, AR, CA...), or "" when it has no MSA. */
    public static String ackCode(String ack) {
        String msa = segment(ack, "MSA");
        if (msa == null) {
            return "";
        }
        String[] fields = msa.split("\\|", -1);
        return fields.length > 1 ? fields[1] : "";
    }

    /** A segment of a response ("MSA|AA|..."), or null. */
    public static String segment(String response, String id) {
        if (response != null) {
            for (String segment : response.split("[\r\n]+")) {
                if (segment.startsWith(id + "|")) {
                    return segment;
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
