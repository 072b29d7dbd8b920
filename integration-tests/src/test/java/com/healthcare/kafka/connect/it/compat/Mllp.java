package com.healthcare.kafka.connect.it.compat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One MLLP exchange over a plain socket: frame, send, read the framed response (null when the server closed). */
final class Mllp {

    private Mllp() {
    }

    static String exchange(int port, String message, int timeoutMs) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write(0x0B);
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.write(0x1C);
            out.write(0x0D);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean started = false;
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (!started) {
                    started = b == 0x0B;
                } else if (b == 0x1C) {
                    return body.toString(StandardCharsets.UTF_8);
                } else {
                    body.write(b);
                }
            }
            return null;
        }
    }

    /** A segment of a response ("MSA|AA|..."), or null. */
    static String segment(String response, String id) {
        if (response != null) {
            for (String segment : response.split("\r")) {
                if (segment.startsWith(id + "|")) {
                    return segment;
                }
            }
        }
        return null;
    }
}
