package com.healthcare.kafka.connect.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * bin/topic-tail: prints the records of one or more topics as readable JSON (key, headers, value; a JSON value
 * is embedded as JSON, anything else as text), from the beginning by default, following new records until
 * Ctrl-C or --max records. {@code --list} prints the topic names instead.
 */
public final class TailTopic {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TailTopic() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = "127.0.0.1:9092";
        boolean fromBeginning = true;
        long max = Long.MAX_VALUE;
        boolean list = false;
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[++i];
                case "--list" -> list = true;
                case "--from-end" -> fromBeginning = false;
                case "--from-beginning" -> fromBeginning = true;
                case "--max" -> max = Long.parseLong(args[++i]);
                case "--help", "-h" -> {
                    usage();
                    return;
                }
                default -> topics.add(args[i]);
            }
        }
        if (list) {
            listTopics(bootstrap).forEach(System.out::println);
            return;
        }
        if (topics.isEmpty()) {
            usage();
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "topic-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long printed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            while (printed < max) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    System.out.println(JSON.writeValueAsString(toJson(record)));
                    if (++printed >= max) {
                        break;
                    }
                }
            }
        }
    }

    private static void usage() {
        System.err.println("Usage: bin/topic-tail [--bootstrap HOST:PORT] [--from-end] [--max N] TOPIC...");
        System.err.println("       bin/topic-tail [--bootstrap HOST:PORT] --list");
    }

    /** The topic names, sorted; Connect's and Kafka's own internal topics after the data topics. */
    static List<String> listTopics(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(props)) {
            List<String> names = new ArrayList<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
            names.sort(Comparator.comparing((String n) -> n.startsWith("_")).thenComparing(Comparator.naturalOrder()));
            return names;
        }
    }

    static ObjectNode toJson(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("topic", record.topic());
        node.put("partition", record.partition());
        node.put("offset", record.offset());
        node.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        node.set("key", decode(record.key()));
        ObjectNode headers = node.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8));
        }
        node.set("value", decode(record.value()));
        return node;
    }

    private static JsonNode decode(byte[] bytes) {
        if (bytes == null) {
            return JSON.nullNode();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("\"")) {
            try {
                return JSON.readTree(trimmed);
            } catch (Exception e) {
                // not JSON after all: show as text
            }
        }
        return JSON.getNodeFactory().textNode(text);
    }
}
