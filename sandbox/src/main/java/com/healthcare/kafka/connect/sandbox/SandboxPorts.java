package com.healthcare.kafka.connect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every port the sandbox will open, checked before anything starts: a taken port otherwise surfaces late, as a
 * failed task and a stack trace, after a banner that already pointed the user at the other process.
 */
final class SandboxPorts {

    record Port(String what, String option, int number) {
    }

    private SandboxPorts() {
    }

    /** The ports of {@code options}, in the order they are checked. */
    static List<Port> of(SandboxOptions options) {
        List<Port> ports = new ArrayList<>();
        ports.add(new Port("Kafka broker", "--kafka-port", options.kafkaPort));
        ports.add(new Port("KRaft controller", "--controller-port", options.controllerPort));
        ports.add(new Port("Connect REST", "--rest-port", options.restPort));
        if (options.jmxPort != 0) {
            ports.add(new Port("JMX", "--jmx-port", options.jmxPort));
        }
        if (options.fhirServer) {
            ports.add(new Port("embedded FHIR server", "--fhir-port, or --no-fhir-server", options.fhirPort));
        }
        if (options.applyConfigs) {
            ports.addAll(connectorPorts(options));
        }
        return ports;
    }

    /** The listener ports of the connector configs the sandbox will apply (--mllp-port overrides the HL7 one). */
    static List<Port> connectorPorts(SandboxOptions options) {
        List<Port> ports = new ArrayList<>();
        if (!Files.isDirectory(options.configsDir)) {
            return ports;
        }
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(options.configsDir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode config = json.readTree(file.toFile()).path("config");
                String hl7Key = config.hasNonNull("hl7.listener.port") ? "hl7.listener.port"
                        : config.hasNonNull("port") ? "port" : null;
                if (hl7Key != null && options.mllpPort != null) {
                    ports.add(new Port("HL7 MLLP listener of " + file.getFileName(), "--mllp-port",
                            options.mllpPort));
                } else if (hl7Key != null) {
                    ports.add(new Port("HL7 MLLP listener of " + file.getFileName(), hl7Key + " in " + file,
                            config.get(hl7Key).asInt()));
                }
                if (config.hasNonNull("fhir.subscription.listener.port")) {
                    ports.add(new Port("FHIR subscription listener of " + file.getFileName(),
                            "fhir.subscription.listener.port in " + file,
                            config.get("fhir.subscription.listener.port").asInt()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ports;
    }

    /** A port given twice is the error, then the first one taken: each port is bound on {@code host} and released. */
    static void checkFree(String host, List<Port> ports) {
        Map<Integer, Port> seen = new HashMap<>();
        for (Port port : ports) {
            Port before = seen.putIfAbsent(port.number(), port);
            if (before != null && port.number() != 0) {
                throw new Sandbox.SandboxException("port " + port.number() + " is given for the " + before.what()
                        + " (" + before.option() + ") and for the " + port.what() + " (" + port.option()
                        + "). Choose another port with the option shown.");
            }
        }
        for (Port port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port.number()));
            } catch (IOException e) {
                throw new Sandbox.SandboxException("port " + port.number() + " for the " + port.what() + " ("
                        + port.option() + ") is already in use. Is another sandbox or Kafka running? Stop it, or"
                        + " choose another port with the option shown.");
            }
        }
    }
}
