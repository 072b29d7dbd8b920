package com.healthcare.kafka.connect.sandbox;

import java.nio.file.Path;

/** Command-line options of the sandbox, with the defaults the README promises. */
final class SandboxOptions {

    Path dataDir = Path.of("sandbox-data");
    Path zipsDir = Path.of("sandbox", "target", "zips");
    Path configsDir = Path.of("connector-configs", "sandbox");
    String host = "127.0.0.1";
    int kafkaPort = 9092;
    int controllerPort = 9093;
    int restPort = 8083;
    Integer mllpPort;
    int fhirPort = 8080;
    boolean fhirServer = true;
    int jmxPort = 9999;
    boolean applyConfigs = true;
    boolean installPlugins = true;

    static final String USAGE = String.join("\n",
            "Usage: bin/sandbox [options]",
            "  --data-dir DIR         where topics, offsets and logs live (default ./sandbox-data; kept across runs)",
            "  --kafka-port N         Kafka broker port (default 9092)",
            "  --controller-port N    KRaft controller port (default 9093)",
            "  --rest-port N          Connect REST port (default 8083)",
            "  --mllp-port N          override hl7.listener.port of the sandbox HL7 connector (default: its config, 2575)",
            "  --fhir-port N          port of the embedded HAPI FHIR JPA server (default 8080: http://localhost:8080/fhir)",
            "  --no-fhir-server       do not start the embedded FHIR server (FHIR connectors then need one at their fhir.url)",
            "  --jmx-port N           local JMX port for broker, worker and plugin metrics (default 9999; 0: none)",
            "  --configs DIR          connector configs to apply (default connector-configs/sandbox)",
            "  --zips DIR             plugin zips to install (default sandbox/target/zips)",
            "  --no-configs           start the worker without applying connector configs",
            "  --no-plugins           plain Kafka and Connect: no plugins, no configs, no FHIR server (a baseline)",
            "  --help                 this text");

    static SandboxOptions parse(String[] args) {
        SandboxOptions o = new SandboxOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--data-dir" -> o.dataDir = Path.of(value(args, ++i, arg));
                case "--zips" -> o.zipsDir = Path.of(value(args, ++i, arg));
                case "--configs" -> o.configsDir = Path.of(value(args, ++i, arg));
                case "--kafka-port" -> o.kafkaPort = port(value(args, ++i, arg), arg);
                case "--controller-port" -> o.controllerPort = port(value(args, ++i, arg), arg);
                case "--rest-port" -> o.restPort = port(value(args, ++i, arg), arg);
                case "--mllp-port" -> o.mllpPort = port(value(args, ++i, arg), arg);
                case "--fhir-port" -> o.fhirPort = port(value(args, ++i, arg), arg);
                case "--no-fhir-server" -> o.fhirServer = false;
                case "--jmx-port" -> {
                    String v = value(args, ++i, arg);
                    o.jmxPort = v.equals("0") ? 0 : port(v, arg);
                }
                case "--no-configs" -> o.applyConfigs = false;
                case "--no-plugins" -> {
                    o.installPlugins = false;
                    o.applyConfigs = false;
                    o.fhirServer = false;
                }
                case "--help", "-h" -> throw new UsageException(null);
                default -> throw new UsageException("Unknown option " + arg);
            }
        }
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static int port(String text, String option) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a port number (1-65535), not '" + text + "'");
        }
    }

    /** A command-line mistake: the message (if any) and the usage are printed, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
