package com.healthcare.kafka.connect.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * The one-command local stack: a single-node KRaft broker and a distributed Connect worker in this JVM, with the
 * built plugin zips unpacked into the worker's plugin.path and the sandbox connector configs applied idempotently.
 * Data lives under --data-dir, so a restart keeps topics and source offsets.
 */
public final class Sandbox {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HL7_TOPICS =
            List.of("hl7.ADT", "hl7.ORU", "hl7.ORM", "hl7.VXU", "hl7.SIU", "hl7.MDM");
    private static final PrintStream OUT = System.out;

    private final SandboxOptions options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> applied = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private KafkaRaftServer kafka;
    private Connect<?> connect;
    private EmbeddedFhirServer fhir;
    private SandboxJmx jmx;

    Sandbox(SandboxOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        SandboxOptions options;
        try {
            options = SandboxOptions.parse(args);
        } catch (SandboxOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println(e.getMessage());
            }
            System.err.println(SandboxOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Sandbox sandbox = new Sandbox(options);
        try {
            sandbox.checkPortsFree();
            long started = System.nanoTime();
            sandbox.start();
            sandbox.stopOnSignals();
            sandbox.applyConfigs();
            sandbox.printSummary(Duration.ofNanos(System.nanoTime() - started));
            sandbox.connect.awaitStop();
        } catch (SandboxException e) {
            System.err.println("sandbox: " + e.getMessage());
            sandbox.stop();
            System.exit(1);
        }
    }

    /**
     * Ctrl-C and SIGTERM stop the worker, then the broker, in that order, before the JVM exits. Done from a signal
     * handler rather than a shutdown hook: Connect and Jetty register hooks of their own, and hooks run
     * concurrently, so a hook-based stop could race the REST server's own shutdown and hang.
     */
    @SuppressWarnings("restriction")
    void stopOnSignals() {
        sun.misc.SignalHandler handler = signal -> {
            Thread stopper = new Thread(() -> {
                Thread watchdog = new Thread(() -> {
                    try {
                        Thread.sleep(90_000);
                        System.err.println("sandbox: stopping took over 90 s; halting");
                        Runtime.getRuntime().halt(1);
                    } catch (InterruptedException e) {
                        // stopped in time
                    }
                }, "sandbox-stop-watchdog");
                watchdog.setDaemon(true);
                watchdog.start();
                stop();
                watchdog.interrupt();
                System.exit(0);
            }, "sandbox-stop");
            stopper.start();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        // Any other exit path (an error, System.exit elsewhere) still stops in order.
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "sandbox-shutdown"));
    }

    /** A port already in use is the most common first-run problem: say which and what to do, before starting. */
    void checkPortsFree() {
        SandboxPorts.checkFree(options.host, SandboxPorts.of(options));
    }

    void start() {
        Path data = options.dataDir.toAbsolutePath();
        Path kafkaDir = data.resolve("kafka");
        Path pluginDir = data.resolve("plugins");
        try {
            Files.createDirectories(kafkaDir);
            Files.createDirectories(data.resolve("logs"));
            installPlugins(pluginDir);
            if (options.fhirServer) {
                Path fhirDir = Files.createDirectories(data.resolve("fhir"));
                fhir = EmbeddedFhirServer.startAsync(options.host, options.fhirPort, fhirDir);
                OUT.println("Starting the HAPI FHIR JPA server on " + fhir.baseUrl() + ", data in " + fhirDir);
            }
            OUT.println("Starting Kafka (KRaft) on " + options.host + ":" + options.kafkaPort + ", data in " + kafkaDir);
            kafka = startKafka(kafkaDir);
            OUT.println("Starting the Connect worker, REST on http://" + options.host + ":" + options.restPort);
            connect = new ConnectDistributed().startConnect(workerProps(data, pluginDir));
            if (options.jmxPort != 0) {
                jmx = SandboxJmx.start(options.host, options.jmxPort);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void installPlugins(Path pluginDir) throws IOException {
        if (!options.installPlugins) {
            deleteRecursively(pluginDir);
            Files.createDirectories(pluginDir);
            OUT.println("No plugins installed (--no-plugins)");
            return;
        }
        List<Path> zips;
        try (Stream<Path> files = Files.exists(options.zipsDir) ? Files.list(options.zipsDir) : Stream.empty()) {
            zips = files.filter(p -> p.toString().endsWith(".zip")).sorted().toList();
        }
        if (zips.isEmpty()) {
            throw new SandboxException("no plugin zips in " + options.zipsDir.toAbsolutePath()
                    + ". Build them first: ./mvnw -B -ntp -DskipTests -pl sandbox -am package (bin/sandbox does this)");
        }
        deleteRecursively(pluginDir);
        for (Path zip : zips) {
            Zips.unpack(zip, pluginDir);
            OUT.println("Installed plugin " + zip.getFileName());
        }
    }

    private KafkaRaftServer startKafka(Path kafkaDir) throws IOException {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + options.host + ":" + options.controllerPort);
        props.put("listeners", "PLAINTEXT://" + options.host + ":" + options.kafkaPort
                + ",CONTROLLER://" + options.host + ":" + options.controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + options.host + ":" + options.kafkaPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", kafkaDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");

        Path serverProps = kafkaDir.getParent().resolve("server.properties");
        try (var out = Files.newBufferedWriter(serverProps, StandardCharsets.UTF_8)) {
            props.store(out, "Sandbox broker, written by bin/sandbox");
        }
        if (!Files.exists(kafkaDir.resolve("meta.properties"))) {
            int rc = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", serverProps.toString(), "--ignore-formatted"}, new PrintStream(
                    java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new SandboxException("could not format the Kafka storage in " + kafkaDir + " (exit " + rc + ")");
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        return server;
    }

    private Map<String, String> workerProps(Path data, Path pluginDir) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", options.host + ":" + options.kafkaPort);
        props.put("group.id", "healthcare-sandbox");
        props.put("config.storage.topic", "_sandbox-connect-configs");
        props.put("offset.storage.topic", "_sandbox-connect-offsets");
        props.put("status.storage.topic", "_sandbox-connect-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.flush.interval.ms", "1000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("listeners", "http://" + options.host + ":" + options.restPort);
        props.put("plugin.path", pluginDir.toString());
        props.put("plugin.discovery", "service_load");
        props.put("config.providers", "file");
        props.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        props.put("scheduled.rebalance.max.delay.ms", "0");
        return props;
    }

    void applyConfigs() {
        String base = restBase();
        waitUntil("the Connect REST API", Duration.ofSeconds(120), () -> get(base + "/connectors") != null);
        if (fhir != null) {
            long t0 = System.nanoTime();
            fhir.await();
            OUT.println("HAPI FHIR JPA server ready at " + fhir.baseUrl() + " (waited "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms for it after the worker)");
        }
        if (!options.applyConfigs) {
            return;
        }
        Set<String> installed = new HashSet<>();
        try {
            JSON.readTree(get(base + "/connector-plugins?connectorsOnly=false"))
                    .forEach(p -> installed.add(p.path("class").asText()));
        } catch (IOException | RuntimeException e) {
            throw new SandboxException("cannot list the worker's plugins: " + e.getMessage());
        }
        createHl7Topics();
        ConfigAdjuster adjuster = new ConfigAdjuster(options, fhir == null ? null : fhir.baseUrl(), installed);
        List<Path> files;
        try (Stream<Path> list = Files.exists(options.configsDir) ? Files.list(options.configsDir) : Stream.empty()) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path file : files) {
            applyConfig(base, file, adjuster);
        }
    }

    /**
     * The HL7 source's topics exist before its first message: the masked copy (MirrorSourceConnector) starts its
     * task only once a topic matches, and the FHIR sink subscribes by pattern.
     */
    private void createHl7Topics() {
        Map<String, Object> adminProps = Map.of("bootstrap.servers", options.host + ":" + options.kafkaPort);
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = HL7_TOPICS.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, 1, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while creating the HL7 topics");
        } catch (ExecutionException | TimeoutException e) {
            throw new SandboxException("cannot create the HL7 topics " + HL7_TOPICS + ": " + e.getMessage());
        }
    }

    private void applyConfig(String base, Path file, ConfigAdjuster adjuster) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            String name = root.path("name").asText(null);
            if (name == null || !root.has("config")) {
                throw new SandboxException(file + " must be {\"name\": ..., \"config\": {...}}");
            }
            ObjectNode config = (ObjectNode) root.get("config");
            List<String> missing = adjuster.missingPlugins(config);
            if (!missing.isEmpty()) {
                skipped.add(name);
                OUT.println("Skipped connector " + name + " from " + file.getFileName() + ": this worker has no "
                        + String.join(", ", missing) + " (its plugin zip is not in " + options.zipsDir + ")");
                return;
            }
            adjuster.adjust(config);
            // PUT is create-or-update: applying the same file twice changes nothing.
            HttpRequest put = HttpRequest.newBuilder(URI.create(base + "/connectors/" + name + "/config"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build();
            HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
            applied.add(name);
            if (response.statusCode() == 201) {
                OUT.println("Created connector " + name + " from " + file.getFileName());
            } else if (response.statusCode() == 200) {
                OUT.println("Connector " + name + " is up to date with " + file.getFileName());
            } else {
                throw new SandboxException("applying " + file + " failed: HTTP " + response.statusCode() + " "
                        + response.body());
            }
        } catch (IOException e) {
            throw new SandboxException("cannot apply " + file + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted");
        }
    }

    void printSummary(Duration startup) {
        String base = restBase();
        ConnectorStates[] states = {new ConnectorStates(false, List.of(), List.of())};
        waitUntil("connectors to start", Duration.ofSeconds(180), () -> {
            String body = get(base + "/connectors?expand=status");
            if (body == null) {
                return false;
            }
            states[0] = ConnectorStates.of(JSON.readTree(body), applied);
            return states[0].settled();
        });
        List<String> lines = states[0].lines();
        List<String> failed = states[0].failed();
        int mllp = options.mllpPort != null ? options.mllpPort : 2575;
        OUT.println();
        if (failed.isEmpty()) {
            OUT.println("Healthcare Connect sandbox is running (started in " + startup.toMillis() / 1000.0 + " s)");
        } else {
            OUT.println("Healthcare Connect sandbox started, but " + failed.size() + " connector(s) FAILED: "
                    + String.join(", ", failed) + " (details: " + base + "/connectors/NAME/status and "
                    + options.dataDir.resolve("logs") + ")");
        }
        OUT.println("  Kafka:        " + options.host + ":" + options.kafkaPort);
        OUT.println("  Connect REST: " + base + "   (plugins: " + base + "/connector-plugins)");
        OUT.println("  FHIR server:  " + (fhir == null ? "not started (--no-fhir-server)"
                : fhir.baseUrl() + "   (HAPI FHIR JPA, R4)"));
        OUT.println("  Data:         " + options.dataDir.toAbsolutePath() + " (kept across restarts)");
        if (jmx != null) {
            OUT.println("  JMX:          " + options.host + ":" + options.jmxPort + "   (jconsole " + options.host + ":"
                    + options.jmxPort + ", or " + jmx.url() + ")");
        }
        OUT.println("Connectors:");
        lines.forEach(OUT::println);
        OUT.println();
        OUT.println("Send an HL7 message over MLLP and see its ACK:");
        OUT.println("  bin/hl7-send --port " + mllp + " sandbox/samples/adt_a01.hl7");
        OUT.println("Read a topic as JSON (the masked copy: deidentified.hl7.ADT; the server's Patients: fhir.Patient):");
        OUT.println("  bin/topic-tail --bootstrap " + options.host + ":" + options.kafkaPort + " hl7.ADT");
        OUT.println("  bin/topic-tail --bootstrap " + options.host + ":" + options.kafkaPort + " --list");
        OUT.println("Apply any file of connector-configs/:");
        OUT.println("  bin/connector-apply --rest " + base + " connector-configs/pipeline-hl7-to-fhir.json");
        if (fhir != null) {
            OUT.println("See what the FHIR sink wrote to the server:");
            OUT.println("  curl '" + fhir.baseUrl() + "/Patient?identifier=PATID1234'");
        }
        if (!skipped.isEmpty()) {
            OUT.println("Not applied (plugin missing): " + String.join(", ", skipped));
        }
        OUT.println("Stop with Ctrl-C.");
    }

    synchronized void stop() {
        if (connect != null) {
            OUT.println("Stopping the Connect worker...");
            // Connect registers its own shutdown hook too: stop() may return while that hook is still stopping
            // the worker, so wait for it before the broker goes away under it.
            connect.stop();
            connect.awaitStop();
            connect = null;
        }
        if (fhir != null) {
            OUT.println("Stopping the FHIR server...");
            fhir.close();
            fhir = null;
        }
        if (kafka != null) {
            OUT.println("Stopping Kafka...");
            kafka.shutdown();
            kafka.awaitShutdown();
            kafka = null;
        }
        if (jmx != null) {
            jmx.close();
            jmx = null;
        }
    }

    private String restBase() {
        return "http://" + options.host + ":" + options.restPort;
    }

    private String get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(String what, Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                // not ready yet
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for " + what);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A problem the user can act on: printed without a stack trace. */
    static final class SandboxException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SandboxException(String message) {
            super(message);
        }
    }
}
