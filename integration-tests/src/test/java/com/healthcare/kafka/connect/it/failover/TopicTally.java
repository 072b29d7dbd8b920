package com.healthcare.kafka.connect.it.failover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning in the background for the whole test and counts records per identity (an HL7
 * control id, a FHIR resource key), so the test can wait on progress and count duplicates at the end.
 */
final class TopicTally implements AutoCloseable {

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;

    TopicTally(String bootstrapServers, String topic, Function<ConsumerRecord<byte[], byte[]>, String> identity) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "failover-tally-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (!stopped.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        counts.merge(identity.apply(record), 1, Integer::sum);
                        records.incrementAndGet();
                    }
                }
            }
        }, "failover-tally-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    boolean contains(String id) {
        return counts.containsKey(id);
    }

    int distinct() {
        return counts.size();
    }

    long records() {
        return records.get();
    }

    /** Identities stored more than once (at-least-once delivery after a crash). */
    long duplicated() {
        return counts.values().stream().filter(n -> n > 1).count();
    }

    /** The identities stored more than once. */
    java.util.Set<String> duplicatedIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        counts.forEach((id, n) -> {
            if (n > 1) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** Records beyond the first of each identity. */
    long extraCopies() {
        return records.get() - counts.size();
    }

    @Override
    public void close() throws InterruptedException {
        stopped.set(true);
        thread.join(10_000);
    }
}
