package com.healthcare.kafka.connect.benchmarks.hl7;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link IdleConnectionMemory}: opens TCP connections to a port and keeps them open, sending
 * nothing, until its standard input closes. It runs in its own JVM so the clients' memory is not counted as the
 * server's. Each line {@code k} on standard input opens k more connections, then prints {@code connected N}
 * (the total), so the parent can wait for the server to accept each batch: a burst beyond the listen backlog
 * would leave connections the client thinks open and the server never accepted.
 *
 * <p>Usage: {@code IdleClients <port>}
 */
public final class IdleClients {

    private IdleClients() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        List<SocketChannel> channels = new ArrayList<>();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            // Hold the connections until the parent closes our stdin (or dies).
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                int more = Integer.parseInt(line.trim());
                for (int i = 0; i < more; i++) {
                    channels.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
                }
                System.out.println("connected " + channels.size());
                System.out.flush();
            }
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }
}
