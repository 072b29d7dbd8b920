package com.healthcare.kafka.connect.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocketFactory;

/**
 * bin/hl7-send: sends the HL7 v2 messages of one or more files over MLLP and prints each ACK. Messages in a file
 * start at lines beginning with "MSH|"; a file starting with FHS or BHS is sent whole, as one batch. Exit code 0
 * when every response is AA/CA, 1 otherwise.
 */
public final class SendHl7 {

    static final byte START = 0x0B;
    static final byte END = 0x1C;
    static final byte CR = 0x0D;

    private SendHl7() {
    }

    public static void main(String[] args) throws IOException {
        String host = "127.0.0.1";
        int port = 2575;
        int timeoutSeconds = 30;
        boolean tls = false;
        Charset charset = StandardCharsets.UTF_8;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--timeout" -> timeoutSeconds = Integer.parseInt(args[++i]);
                case "--tls" -> tls = true;
                case "--charset" -> charset = Charset.forName(args[++i]);
                case "--help", "-h" -> {
                    usage();
                    return;
                }
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            usage();
            System.exit(2);
        }
        boolean allAccepted = true;
        try (Socket socket = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(timeoutSeconds * 1000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (Path file : files) {
                for (String message : messages(Files.readString(file, charset))) {
                    out.write(frame(message, charset));
                    out.flush();
                    String ack = readFrame(in, charset);
                    if (ack == null) {
                        System.err.println("The connection closed before an ACK arrived (the message may not be "
                                + "stored: resend it).");
                        System.exit(1);
                    }
                    System.out.println(ack.replace('\r', '\n').strip());
                    System.out.println();
                    allAccepted &= isAccepted(ack);
                }
            }
        }
        System.exit(allAccepted ? 0 : 1);
    }

    private static void usage() {
        System.err.println("Usage: bin/hl7-send [--host H] [--port P] [--tls] [--timeout S] [--charset C] FILE...");
    }

    /** Splits a file into messages, normalising LF and CRLF segment terminators to CR. */
    static List<String> messages(String text) {
        String normalised = text.replace("\r\n", "\r").replace('\n', '\r');
        List<String> messages = new ArrayList<>();
        if (normalised.startsWith("FHS") || normalised.startsWith("BHS")) {
            messages.add(normalised.strip() + "\r");
            return messages;
        }
        StringBuilder current = new StringBuilder();
        for (String segment : normalised.split("\r")) {
            if (segment.isBlank()) {
                continue;
            }
            if (segment.startsWith("MSH") && current.length() > 0) {
                messages.add(current.toString());
                current.setLength(0);
            }
            current.append(segment).append('\r');
        }
        if (current.length() > 0) {
            messages.add(current.toString());
        }
        return messages;
    }

    static byte[] frame(String message, Charset charset) {
        byte[] body = message.getBytes(charset);
        byte[] framed = new byte[body.length + 3];
        framed[0] = START;
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = END;
        framed[body.length + 2] = CR;
        return framed;
    }

    static String readFrame(InputStream in, Charset charset) throws IOException {
        int b;
        while ((b = in.read()) != START) {
            if (b == -1) {
                return null;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while ((b = in.read()) != -1) {
            if (b == END) {
                int next = in.read();
                if (next == CR || next == -1) {
                    return body.toString(charset);
                }
                body.write(b);
                body.write(next);
            } else {
                body.write(b);
            }
        }
        return null;
    }

    static boolean isAccepted(String ack) {
        for (String segment : ack.split("\r")) {
            if (segment.startsWith("MSA")) {
                String[] fields = segment.split("\\|", -1);
                return fields.length > 1 && (fields[1].equals("AA") || fields[1].equals("CA"));
            }
        }
        return false;
    }
}
