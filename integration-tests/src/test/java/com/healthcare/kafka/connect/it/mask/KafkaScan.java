package com.healthcare.kafka.connect.it.mask;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every record of every topic (internal ones included) to the end, to search keys, values and headers. */
final class KafkaScan {

    /** One record's key, value and headers as text (UTF-8; binary parts decode lossily, which a search tolerates). */
    record Text(String topic, String key, String value, String headers) {
        String all() {
            return key + "\n" + value + "\n" + headers;
        }
    }

    private KafkaScan() {
    }

    static Set<String> topics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
    }

    /** Every record of {@code topics}, from the beginning to the end offsets read now. */
    static List<Text> readAll(String bootstrap, Collection<String> topics) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Text> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && partitions.stream()
                    .anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    String headers = java.util.stream.StreamSupport.stream(r.headers().spliterator(), false)
                            .map(h -> h.key() + "=" + (h.value() == null ? "" : text(h.value())))
                            .collect(Collectors.joining(","));
                    out.add(new Text(r.topic(), text(r.key()), text(r.value()), headers));
                }
            }
            for (TopicPartition p : partitions) {
                if (consumer.position(p, Duration.ofSeconds(30)) < end.get(p)) {
                    throw new AssertionError("could not read " + p + " to its end");
                }
            }
        }
        return out;
    }

    static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }
}
