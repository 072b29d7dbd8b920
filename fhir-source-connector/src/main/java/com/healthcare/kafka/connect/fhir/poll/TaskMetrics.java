package com.healthcare.kafka.connect.fhir.poll;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;

/** Counters of one task, exposed through {@link TaskMetricsMXBean}. */
public final class TaskMetrics implements TaskMetricsMXBean {

    final AtomicLong records = new AtomicLong();
    final AtomicLong tombstones = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong pages = new AtomicLong();
    public final AtomicLong notificationsAccepted = new AtomicLong();
    public final AtomicLong notificationsRejected = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>("");
    private volatile FhirHttpClient client;
    private volatile RecordQueue queue;
    private volatile Supplier<List<String>> cursors = List::of;

    public void bind(FhirHttpClient client, RecordQueue queue, Supplier<List<String>> cursors) {
        this.client = client;
        this.queue = queue;
        this.cursors = cursors;
    }

    public void error(String message) {
        lastError.set(message == null ? "" : message);
    }

    @Override
    public long getRecordsEmitted() {
        return records.get();
    }

    @Override
    public long getTombstonesEmitted() {
        return tombstones.get();
    }

    @Override
    public long getDuplicatesSkipped() {
        return skipped.get();
    }

    @Override
    public long getPagesFetched() {
        return pages.get();
    }

    @Override
    public long getHttpRequests() {
        return client == null ? 0 : client.requests();
    }

    @Override
    public long getHttpRetries() {
        return client == null ? 0 : client.retries();
    }

    @Override
    public long getHttpThrottled() {
        return client == null ? 0 : client.throttled();
    }

    @Override
    public long getNotificationsAccepted() {
        return notificationsAccepted.get();
    }

    @Override
    public long getNotificationsRejected() {
        return notificationsRejected.get();
    }

    @Override
    public long getQueuedRecords() {
        return queue == null ? 0 : queue.size();
    }

    @Override
    public String getLastError() {
        return lastError.get();
    }

    @Override
    public String[] getCursors() {
        return cursors.get().toArray(new String[0]);
    }
}
