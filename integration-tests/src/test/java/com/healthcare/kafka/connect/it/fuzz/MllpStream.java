package com.healthcare.kafka.connect.it.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Reads MLLP responses from a socket and tells a response, the end of the stream and silence apart. */
final class MllpStream {

    /** What the next read found. */
    enum Event { RESPONSE, CLOSED, TIMEOUT }

    private final Socket socket;
    private final InputStream in;
    private String last;

    MllpStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }

    /** The next response (then {@link #last()} holds it), the end of the stream (FIN or reset), or silence. */
    Event next(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) timeoutMs);
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        boolean started = false;
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return Event.CLOSED;
                }
                if (!started) {
                    started = b == FuzzFrames.VT;
                    continue;
                }
                if (b == FuzzFrames.FS) {
                    in.read(); // the CR after the end byte
                    last = body.toString(StandardCharsets.ISO_8859_1);
                    return Event.RESPONSE;
                }
                body.write(b);
            }
        } catch (SocketTimeoutException e) {
            return Event.TIMEOUT;
        } catch (IOException e) {
            // A reset after the server closed with unread input: the connection is closed all the same.
            return Event.CLOSED;
        }
    }

    String last() {
        return last;
    }

    /** MSA-1 and MSA-2 of a response, or null when it has no MSA. */
    static String[] msa(String response) {
        for (String segment : response.split("\r")) {
            if (segment.startsWith("MSA")) {
                String[] fields = segment.split(java.util.regex.Pattern.quote(String.valueOf(segment.charAt(3))), -1);
                return new String[] {fields.length > 1 ? fields[1] : "", fields.length > 2 ? fields[2] : ""};
            }
        }
        return null;
    }
}
