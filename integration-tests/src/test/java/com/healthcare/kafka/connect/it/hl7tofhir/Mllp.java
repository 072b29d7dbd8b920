package com.healthcare.kafka.connect.it.hl7tofhir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal MLLP client over a raw socket: one frame out, one acknowledgement frame back. */
final class Mllp implements AutoCloseable {

    private static final int START = 0x0B;
    private static final int END = 0x1C;
    private static final int CR = 0x0D;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Mllp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** Sends one message (segments separated by CR) and returns the acknowledgement message's text. */
    String send(String message) throws IOException {
        out.write(START);
        out.write(message.getBytes(StandardCharsets.UTF_8));
        out.write(END);
        out.write(CR);
        out.flush();
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != START) {
            if (b < 0) {
                throw new IOException("connection closed before an acknowledgement");
            }
        }
        while ((b = in.read()) != END) {
            if (b < 0) {
                throw new IOException("acknowledgement frame not terminated");
            }
            ack.write(b);
        }
        in.read(); // the CR after 0x1C
        return ack.toString(StandardCharsets.UTF_8);
    }

    /** MSA-1 of an acknowledgement (AA, AE, AR, CA...). */
    static String ackCode(String ack) {
        for (String segment : ack.split("[\r\n]+")) {
            if (segment.startsWith("MSA")) {
                String[] f = segment.split("\\|", -1);
                return f.length > 1 ? f[1] : "";
            }
        }
        return "";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
