package com.healthcare.kafka.connect.it.converters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal MLLP client over a raw socket: one frame of any bytes out, one acknowledgement frame back. */
final class Mllp implements AutoCloseable {

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

    String send(String message) throws IOException {
        return send(message.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one frame and returns MSA-1 of the acknowledgement (AA, AE, AR...). */
    String send(byte[] message) throws IOException {
        out.write(0x0B);
        out.write(message);
        out.write(0x1C);
        out.write(0x0D);
        out.flush();
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != 0x0B) {
            if (b < 0) {
                throw new IOException("connection closed before an acknowledgement");
            }
        }
        while ((b = in.read()) != 0x1C) {
            if (b < 0) {
                throw new IOException("acknowledgement frame not terminated");
            }
            ack.write(b);
        }
        in.read(); // the CR after 0x1C
        for (String segment : ack.toString(StandardCharsets.UTF_8).split("[\r\n]+")) {
            if (segment.startsWith("MSA")) {
                String[] fields = segment.split("\\|", -1);
                return fields.length > 1 ? fields[1] : "";
            }
        }
        return "";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
