package com.healthcare.kafka.connect.it.hl7;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.SocketFactory;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/** HAPI HL7v2's own MLLP client, the way an interface engine would send. */
final class HapiSender implements AutoCloseable {

    private final HapiContext context;
    private final Connection connection;
    private final PipeParser parser;

    /** @param tls null for plain MLLP, else the client's TLS context (trust and optionally a client key) */
    HapiSender(int port, SSLContext tls) throws Exception {
        context = new DefaultHapiContext(ValidationContextFactory.noValidation());
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        // Respect MSH-18 instead of the JVM-wide ca.uhn.hl7v2.llp.charset property.
        context.setLowerLayerProtocol(new MinLowerLayerProtocol(true));
        if (tls != null) {
            context.setSocketFactory(new TlsSocketFactory(tls));
        }
        parser = context.getPipeParser();
        connection = context.newClient("127.0.0.1", port, tls != null);
        connection.getInitiator().setTimeout(30, TimeUnit.SECONDS);
    }

    /** Parses {@code text} with HAPI, sends it, and returns HAPI's encoding of what was sent and the response. */
    Exchange send(String text) throws Exception {
        Message message = parser.parse(text);
        String sent = parser.encode(message);
        Message response = connection.getInitiator().sendAndReceive(message);
        return new Exchange(sent, parser.encode(response));
    }

    record Exchange(String sent, String response) {
    }

    @Override
    public void close() throws IOException {
        connection.close();
        context.close();
    }

    /** HAPI's socket factory hook, so the TLS context is ours and not the JVM-wide default. */
    private static final class TlsSocketFactory implements SocketFactory {
        private final SSLContext tls;

        TlsSocketFactory(SSLContext tls) {
            this.tls = tls;
        }

        @Override
        public Socket createSocket() {
            return new Socket();
        }

        @Override
        public Socket createTlsSocket() throws IOException {
            return tls.getSocketFactory().createSocket();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return new ServerSocket();
        }

        @Override
        public ServerSocket createTlsServerSocket() throws IOException {
            return tls.getServerSocketFactory().createServerSocket();
        }

        @Override
        public void configureNewAcceptedSocket(Socket socket) {
        }
    }
}
