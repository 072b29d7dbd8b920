package com.healthcare.kafka.connect.fhir.poll;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.fhir.client.FhirHttpClient;

/** Counters of one task, exposed through {@link TaskMetricsMXBean}. */
public final class TaskMetrics implements TaskMetricsMXBean {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMetrics.class);
    /** An offset this large is a warning sign: the worker's offset producer refuses records over 1 MB. */
    static final int OFFSET_WARN_BYTES = 512 * 1024;
    /** Records written but no offset commit for this long: the worker's offset commits are probably failing. */
    static final long COMMIT_STALE_MS = 5 * 60_000L;

    final AtomicLong records = new AtomicLong();
    final AtomicLong tombstones = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong pages = new AtomicLong();
    public final AtomicLong notificationsAccepted = new AtomicLong();
    public final AtomicLong notificationsRejected = new AtomicLong();
    final AtomicLong oversized = new AtomicLong();
    private final Map<String, Long> offsetBytes = new ConcurrentHashMap<>();
    private final Map<String, Long> evicted = new ConcurrentHashMap<>();
    private final AtomicLong offsetCommits = new AtomicLong();
    private final LongSupplier clock;
    private volatile long lastCommitMs;
    private volatile boolean writtenSinceCommit;
    private volatile long lastStaleWarningMs;
    private volatile LongSupplier refusedConnections = () -> 0;
    private volatile LongSupplier listenerTimeouts = () -> 0;
    private volatile LongSupplier malformedRequests = () -> 0;
    private final AtomicReference<String> lastError = new AtomicReference<>("");
    private volatile FhirHttpClient client;
    private volatile RecordQueue queue;
    private volatile Supplier<List<String>> cursors = List::of;

    public void bind(FhirHttpClient client, RecordQueue queue, Supplier<List<String>> cursors) {
        this.client = client;
        this.queue = queue;
        this.cursors = cursors;
    }

    public TaskMetrics() {
        this(System::currentTimeMillis);
    }

    TaskMetrics(LongSupplier clock) {
        this.clock = clock;
        this.lastCommitMs = clock.getAsLong();
    }

    public void bindListener(LongSupplier refused, LongSupplier timeouts, LongSupplier malformed) {
        this.refusedConnections = refused;
        this.listenerTimeouts = timeouts;
        this.malformedRequests = malformed;
    }

    /** Records the size of a type's latest offset (about its JSON size); warns once when it grows too large. */
    void offsetSize(String type, Map<String, Object> offset) {
        long bytes = 2;
        for (Map.Entry<String, Object> e : offset.entrySet()) {
            bytes += e.getKey().length() + String.valueOf(e.getValue()).length() + 6;
        }
        Long before = offsetBytes.put(type, bytes);
        if (bytes > OFFSET_WARN_BYTES && (before == null || before <= OFFSET_WARN_BYTES)) {
            LOG.warn("The source offset of {} is {} bytes; at 1 MB (the worker's default max.request.size) every "
                    + "offset commit fails. Usually many resources share one lastUpdated instant.", type, bytes);
        }
    }

    void evictedNotified(String type, long count) {
        evicted.put(type, count);
    }

    /** A record was written (commitRecord with metadata). */
    public void written() {
        writtenSinceCommit = true;
    }

    /** The worker committed the task's offsets (SourceTask.commit is called only after a successful commit). */
    public void offsetsCommitted() {
        offsetCommits.incrementAndGet();
        lastCommitMs = clock.getAsLong();
        writtenSinceCommit = false;
    }

    /**
     * Connect reports a failed offset commit only in its own log ("Failed to flush offsets") and the
     * offset-commit-failure-percentage task metric; the task stays RUNNING. Called from poll(): warns (at most every
     * five minutes) when records keep being written but no offset commit has succeeded for five minutes.
     */
    public void checkCommits() {
        long now = clock.getAsLong();
        if (writtenSinceCommit && now - lastCommitMs > COMMIT_STALE_MS
                && now - lastStaleWarningMs > COMMIT_STALE_MS) {
            lastStaleWarningMs = now;
            String message = "No offset commit for " + (now - lastCommitMs) / 1000 + " s although records were "
                    + "written: the worker's offset commits are failing (see 'Failed to flush offsets' in its log); "
                    + "largest offset of this task: " + getLargestOffsetBytes() + " bytes";
            LOG.warn(message);
            error(message);
        }
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

    @Override
    public long getOversizedResources() {
        return oversized.get();
    }

    @Override
    public long getLargestOffsetBytes() {
        return offsetBytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    @Override
    public long getNotifiedForgotten() {
        return evicted.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long getOffsetCommits() {
        return offsetCommits.get();
    }

    @Override
    public long getMillisSinceOffsetCommit() {
        return clock.getAsLong() - lastCommitMs;
    }

    @Override
    public long getListenerConnectionsRefused() {
        return refusedConnections.getAsLong();
    }

    @Override
    public long getListenerTimeouts() {
        return listenerTimeouts.getAsLong();
    }

    @Override
    public long getListenerMalformedRequests() {
        return malformedRequests.getAsLong();
    }
}
