package com.healthcare.kafka.connect.fhir.subscription;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.healthcare.kafka.connect.fhir.subscription.WebhookServer.Head;

/**
 * Reads one HTTP/1.1 request for {@link WebhookServer}, with hard limits on every part a client controls: line
 * length, header bytes and count, body size (Content-Length or chunked). The deadlines are the server's.
 */
final class HttpRequestReader {

    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 100;

    private HttpRequestReader() {
    }

    /** The request line and headers, or null if the client closed before sending anything. */
    static Head readHead(InputStream in, InetAddress remote) throws IOException, BadRequest {
        int[] budget = {MAX_HEADER_BYTES};
        String requestLine = readLine(in, budget);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(in, budget); // tolerated leading CRLF (RFC 9112 2.2)
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest(400, "Malformed request line");
        }
        String path;
        try {
            path = URI.create(parts[1]).getPath();
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "Malformed request target");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        while (true) {
            String line = readLine(in, budget);
            if (line == null) {
                throw new BadRequest(400, "Connection closed inside the headers");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || ++count > MAX_HEADERS || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new BadRequest(400, "Malformed or too many headers");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return new Head(parts[0].toUpperCase(Locale.ROOT), path == null ? "" : path, headers, remote);
    }

    /** One line without its CRLF (a bare LF is accepted), or null at end of stream before any byte. */
    private static String readLine(InputStream in, int[] budget) throws IOException, BadRequest {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new BadRequest(400, "Connection closed inside a line");
            }
            if (--budget[0] < 0) {
                throw new BadRequest(431, "Request headers too large");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new BadRequest(431, "Request line or header too long");
            }
            line.write(b);
        }
    }

    static byte[] readBody(Head head, InputStream in, OutputStream out, int maxBodyBytes)
            throws IOException, BadRequest {
        String transferEncoding = head.header("transfer-encoding");
        String contentLength = head.header("content-length");
        boolean chunked = transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked");
        long length = 0;
        if (!chunked && contentLength != null) {
            try {
                length = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "Malformed Content-Length");
            }
            if (length < 0) {
                throw new BadRequest(400, "Malformed Content-Length");
            }
            if (length > maxBodyBytes) {
                throw new BadRequest(413, "Notification body too large");
            }
        }
        if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        if (!chunked) {
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new BadRequest(400, "Connection closed inside the body");
            }
            return body;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] budget = {MAX_HEADER_BYTES};
        while (true) {
            String sizeLine = readLine(in, budget);
            if (sizeLine == null) {
                throw new BadRequest(400, "Connection closed inside the body");
            }
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "Malformed chunk size");
            }
            if (size < 0 || body.size() + size > maxBodyBytes) {
                throw new BadRequest(413, "Notification body too large");
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in, budget);
                } while (trailer != null && !trailer.isEmpty());
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new BadRequest(400, "Connection closed inside the body");
            }
            body.write(chunk);
            readLine(in, budget); // the CRLF after the chunk
        }
    }

    /** A request the server answers with {@code status} and closes. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
