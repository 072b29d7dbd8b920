package com.healthcare.kafka.connect.it.hl7;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/** Shared helpers of the HL7 source ITs (which talk to the plugin only through REST, sockets and Kafka). */
final class Hl7ItSupport {

    static final String CONNECTOR_CLASS = "com.healthcare.kafka.connect.hl7.Hl7SourceConnector";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Hl7ItSupport() {
    }

    /** A connector config on 127.0.0.1:port writing to prefix-named topics it creates itself. */
    static Map<String, String> connector(int port, String prefix, Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("topic.prefix", prefix);
        config.put("poll.interval.ms", "100");
        config.put("producer.override.linger.ms", "0");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.putAll(extra);
        return config;
    }

    /** The error messages of a REST validation, by key (empty when valid). */
    static Map<String, List<String>> validationErrors(ConfigInfos infos) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        }
        return errors;
    }

    static List<ConsumerRecord<byte[], byte[]>> consume(ConnectWorker worker, int expected, String... topics) {
        List<ConsumerRecord<byte[], byte[]>> records = worker.consume(expected, TIMEOUT, topics);
        if (records.size() < expected) {
            throw new AssertionError("Expected " + expected + " records in " + List.of(topics) + ", got "
                    + records.size());
        }
        return records;
    }

    static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ConnectWorker.JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }

    /** The raw bytes of an error-topic record: JsonConverter writes bytes as a base64 JSON string. */
    static byte[] errorBytes(ConsumerRecord<byte[], byte[]> record) {
        return Base64.getDecoder().decode(json(record).asText());
    }

    /** Records by their hl7.control.id header. */
    static Map<String, List<ConsumerRecord<byte[], byte[]>>> byControlId(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> map = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            map.computeIfAbsent(header(record, "hl7.control.id"), k -> new ArrayList<>()).add(record);
        }
        return map;
    }

    /** An attribute of the task's metrics MBean (the worker runs in this JVM). */
    static Object metric(String connector, int task, String attribute) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("com.healthcare.kafka.connect.hl7:type=hl7-source-task,connector="
                    + ObjectName.quote(connector) + ",task=" + task);
            return server.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError("No metric " + attribute + " for " + connector + "/" + task, e);
        }
    }

    /** A shipped connector config from connector-configs/, as a map. */
    static Map<String, String> shippedConfig(String file) {
        try {
            JsonNode root = ConnectWorker.JSON.readTree(BuiltZips.projectRoot().resolve("connector-configs")
                    .resolve(file).toFile());
            Map<String, String> config = new LinkedHashMap<>();
            root.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Points every {@code ${file:/some/path:key}} of {@code config} at a file of the same name under {@code dir},
     * written with the given values (or "test-<key>"), so configs written for /etc paths resolve through the
     * worker's FileConfigProvider here.
     */
    static Map<String, String> withLocalSecrets(Map<String, String> config, java.nio.file.Path dir,
                                                Map<String, String> values) throws IOException {
        java.util.regex.Pattern reference = java.util.regex.Pattern.compile("\\$\\{file:([^:}]+):([^}]+)}");
        Map<String, Properties> files = new LinkedHashMap<>();
        Map<String, String> rewritten = new LinkedHashMap<>();
        java.nio.file.Files.createDirectories(dir);
        for (Map.Entry<String, String> entry : config.entrySet()) {
            java.util.regex.Matcher m = reference.matcher(entry.getValue());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String local = dir.resolve(java.nio.file.Path.of(m.group(1)).getFileName()).toString();
                files.computeIfAbsent(local, k -> new Properties())
                        .setProperty(m.group(2), values.getOrDefault(m.group(2), "test-" + m.group(2)));
                m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("${file:" + local + ":"
                        + m.group(2) + "}"));
            }
            m.appendTail(out);
            rewritten.put(entry.getKey(), out.toString());
        }
        for (Map.Entry<String, Properties> file : files.entrySet()) {
            try (java.io.Writer writer = java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(file.getKey()))) {
                file.getValue().store(writer, "IT secrets");
            }
        }
        return rewritten;
    }

    static String shippedName(String file) {
        try {
            return ConnectWorker.JSON.readTree(BuiltZips.projectRoot().resolve("connector-configs").resolve(file)
                    .toFile()).get("name").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
