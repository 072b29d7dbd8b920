package com.healthcare.kafka.connect.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every port the sandbox will open is checked before it starts, each with the option that moves it. */
class SandboxPortsTest {

    @TempDir
    Path configs;

    SandboxOptions options(String... args) {
        return SandboxOptions.parse(args);
    }

    void writeHl7Config(String file, String portKey, int port) throws IOException {
        Files.writeString(configs.resolve(file), "{\"name\": \"x\", \"config\": {\"connector.class\":"
                + " \"com.healthcare.kafka.connect.hl7.Hl7SourceConnector\", \"" + portKey + "\": \"" + port + "\"}}");
    }

    @Test
    void brokerControllerRestJmxAndTheConnectorsListenersAreAllChecked() throws IOException {
        writeHl7Config("a.json", "hl7.listener.port", 12575);
        writeHl7Config("b.json", "port", 12576);
        List<SandboxPorts.Port> ports = SandboxPorts.of(options("--configs", configs.toString(), "--kafka-port",
                "19092", "--controller-port", "19093", "--rest-port", "18083", "--jmx-port", "19999", "--fhir-port",
                "18080"));
        assertThat(ports).extracting(SandboxPorts.Port::number)
                .containsExactly(19092, 19093, 18083, 19999, 18080, 12575, 12576);
        assertThat(ports).extracting(SandboxPorts.Port::option).startsWith("--kafka-port", "--controller-port",
                "--rest-port", "--jmx-port", "--fhir-port, or --no-fhir-server");
        assertThat(ports.get(5).what()).isEqualTo("HL7 MLLP listener of a.json");
        assertThat(ports.get(6).option()).startsWith("port in ");
    }

    @Test
    void mllpPortOverridesTheConfigsAndJmxZeroOpensNone() throws IOException {
        writeHl7Config("a.json", "hl7.listener.port", 12575);
        List<SandboxPorts.Port> ports = SandboxPorts.of(options("--configs", configs.toString(), "--mllp-port",
                "22575", "--jmx-port", "0"));
        assertThat(ports).extracting(SandboxPorts.Port::number).containsExactly(9092, 9093, 8083, 8080, 22575);
        assertThat(ports.get(4).option()).isEqualTo("--mllp-port");
        assertThat(SandboxPorts.of(options("--configs", configs.toString(), "--no-configs")))
                .extracting(SandboxPorts.Port::number).containsExactly(9092, 9093, 8083, 9999, 8080);
        assertThat(SandboxPorts.of(options("--no-fhir-server", "--jmx-port", "0")))
                .extracting(SandboxPorts.Port::number).containsExactly(9092, 9093, 8083);
    }

    @Test
    void aTakenConnectorPortGetsTheSameClearMessageAsTheKafkaPort() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            writeHl7Config("hl7.json", "hl7.listener.port", busy.getLocalPort());
            List<SandboxPorts.Port> ports = List.of(new SandboxPorts.Port("Kafka broker", "--kafka-port", 0),
                    SandboxPorts.connectorPorts(options("--configs", configs.toString())).get(0));
            assertThatThrownBy(() -> SandboxPorts.checkFree("127.0.0.1", ports))
                    .isInstanceOf(Sandbox.SandboxException.class)
                    .hasMessage("port " + busy.getLocalPort() + " for the HL7 MLLP listener of hl7.json"
                            + " (hl7.listener.port in " + configs.resolve("hl7.json") + ") is already in use. Is"
                            + " another sandbox or Kafka running? Stop it, or choose another port with the option"
                            + " shown.");
            assertThatThrownBy(() -> SandboxPorts.checkFree("127.0.0.1",
                    List.of(new SandboxPorts.Port("JMX", "--jmx-port", busy.getLocalPort()))))
                    .hasMessageStartingWith("port " + busy.getLocalPort()
                            + " for the JMX (--jmx-port) is already in use.");
        }
    }

    @Test
    void aPortGivenTwiceIsAMistake() {
        assertThatThrownBy(() -> SandboxPorts.checkFree("127.0.0.1", SandboxPorts.of(options("--configs",
                configs.toString(), "--rest-port", "9092"))))
                .hasMessageStartingWith("port 9092 is given for the Kafka broker (--kafka-port) and for the Connect"
                        + " REST (--rest-port)");
    }
}
