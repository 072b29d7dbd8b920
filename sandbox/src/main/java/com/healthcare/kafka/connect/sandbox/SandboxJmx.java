package com.healthcare.kafka.connect.sandbox;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.Map;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * A JMX endpoint for the sandbox's broker, worker and plugin metrics (JConsole, VisualVM): registry and connector
 * on one loopback port, no authentication, since nothing but this machine can reach it.
 */
final class SandboxJmx implements AutoCloseable {

    private final Registry registry;
    private final JMXConnectorServer server;
    private final JMXServiceURL url;

    private SandboxJmx(Registry registry, JMXConnectorServer server, JMXServiceURL url) {
        this.registry = registry;
        this.server = server;
        this.url = url;
    }

    static SandboxJmx start(String host, int port) throws IOException {
        // RMI stubs carry this host name; the sandbox JVM serves nothing else over RMI, so setting it here is
        // harmless and makes the stub name the loopback address the sockets are bound to.
        System.setProperty("java.rmi.server.hostname", host);
        LoopbackSockets sockets = new LoopbackSockets(host);
        Registry registry = LocateRegistry.createRegistry(port, null, sockets);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + port + "/jndi/rmi://" + host + ":"
                + port + "/jmxrmi");
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url,
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets),
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        return new SandboxJmx(registry, server, url);
    }

    JMXServiceURL url() {
        return url;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            // stopping anyway
        }
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (IOException e) {
            // stopping anyway
        }
    }

    /** Server sockets on the loopback host only; equal instances let the registry and connector share a port. */
    private record LoopbackSockets(String host) implements RMIServerSocketFactory, Serializable {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, InetAddress.getByName(host));
        }
    }
}
