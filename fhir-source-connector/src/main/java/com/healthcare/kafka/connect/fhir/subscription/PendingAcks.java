package com.healthcare.kafka.connect.fhir.subscription;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Notification records waiting for Kafka. {@code commitRecord} completes a record's future with true when the
 * worker reports metadata (written) and false when it reports none (filtered by a transform or dropped by the
 * error handler: not a success, so the notification is not acknowledged). Keyed by identity, since two records
 * may be equal.
 */
public final class PendingAcks {

    private final Map<SourceRecord, CompletableFuture<Boolean>> pending =
            Collections.synchronizedMap(new IdentityHashMap<>());

    public CompletableFuture<Boolean> register(SourceRecord record) {
        CompletableFuture<Boolean> future = new CompletableFuture<>();
        pending.put(record, future);
        return future;
    }

    public void forget(SourceRecord record) {
        pending.remove(record);
    }

    /** Called from SourceTask.commitRecord; cheap when the record is not a notification. */
    public void committed(SourceRecord record, RecordMetadata metadata) {
        if (pending.isEmpty()) {
            return;
        }
        CompletableFuture<Boolean> future = pending.remove(record);
        if (future != null) {
            future.complete(metadata != null);
        }
    }

    /** Fails every waiting notification (the task stops: the server will retry, polling catches up). */
    public void failAll() {
        synchronized (pending) {
            pending.values().forEach(f -> f.complete(false));
            pending.clear();
        }
    }
}
