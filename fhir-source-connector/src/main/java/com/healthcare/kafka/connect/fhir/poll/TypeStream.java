package com.healthcare.kafka.connect.fhir.poll;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig;
import com.healthcare.kafka.connect.fhirclient.BundleReader;
import com.healthcare.kafka.connect.fhirclient.BundleReader.ResourceInfo;

/**
 * Everything that turns the changes of one resource type into records: its {@link TypeCursor}, the lock that
 * serializes the search, the history read and notifications of the type, and the hand-over to the
 * {@link RecordQueue}. Records are queued while the lock is held, so queue order is cursor order and every
 * committed offset covers exactly the records before it.
 */
public final class TypeStream {

    private static final Logger LOG = LoggerFactory.getLogger(TypeStream.class);

    private final String type;
    private final TypeCursor cursor;
    private final RecordFactory records;
    private final RecordQueue queue;
    private final TaskMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    /** The offset carried by the last record queued; records before a page's last one carry it. */
    private Map<String, Object> lastOffset;
    private boolean warnedNoLastUpdated;

    public TypeStream(String type, TypeCursor cursor, RecordFactory records, RecordQueue queue, TaskMetrics metrics) {
        this.type = type;
        this.cursor = cursor;
        this.records = records;
        this.queue = queue;
        this.metrics = metrics;
        this.lastOffset = cursor.toOffset();
    }

    public String type() {
        return type;
    }

    /** Current watermark text, or null (for building the next search). */
    public String watermark() {
        lock.lock();
        try {
            return cursor.watermarkText();
        } finally {
            lock.unlock();
        }
    }

    public String deleteSince() {
        lock.lock();
        try {
            return cursor.deleteSince();
        } finally {
            lock.unlock();
        }
    }

    public void initDeleteSince(String since) {
        lock.lock();
        try {
            cursor.initDeleteSince(since);
        } finally {
            lock.unlock();
        }
    }

    /** Emits the new resources of one search page, as one batch. Returns how many records it queued. */
    public int searchPage(BundleReader.Page page) throws InterruptedException {
        return searchPage(page, null);
    }

    /**
     * As {@link #searchPage(BundleReader.Page)} for a search the server ran at {@code horizon} (null: unknown): see
     * {@link TypeCursor#searched(ResourceInfo, Instant, Instant)}.
     */
    public int searchPage(BundleReader.Page page, Instant horizon) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            List<Match> emit = new ArrayList<>();
            for (BundleReader.Entry entry : page.entries()) {
                ResourceInfo r = entry.resource();
                if (r == null || r.id() == null || !type.equals(r.resourceType())) {
                    continue; // _include, OperationOutcome entries or malformed
                }
                if (entry.searchMode() != null && !"match".equals(entry.searchMode())) {
                    continue;
                }
                Instant lastUpdated = parse(r.lastUpdated());
                if (lastUpdated == null && !warnedNoLastUpdated) {
                    warnedNoLastUpdated = true;
                    LOG.warn("{} resources arrive without a readable meta.lastUpdated: they are emitted but cannot "
                            + "advance the watermark, so they repeat on every poll", type);
                }
                if (cursor.searched(r, lastUpdated, horizon) == TypeCursor.Decision.EMIT) {
                    emit.add(new Match(r, lastUpdated));
                } else {
                    metrics.skipped.incrementAndGet();
                }
            }
            Map<String, Object> newOffset = cursor.toOffset();
            List<SourceRecord> batch = new ArrayList<>(emit.size());
            for (int i = 0; i < emit.size(); i++) {
                Match match = emit.get(i);
                ResourceInfo r = match.resource();
                Map<String, Object> offset = i == emit.size() - 1 ? newOffset : lastOffset;
                batch.add(bounded(records.resource(type, r.id(), r.versionId(), r.lastUpdated(),
                        match.lastUpdated(), page.json(r), offset, "poll")));
            }
            queue(batch, newOffset);
            metrics.records.addAndGet(batch.size());
            return batch.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Result of a notification: a queued record to wait for, or nothing to wait for; {@code pollSoon} when the
     * notified keys waiting for the search have grown enough that a search should run now (see TypeCursor).
     */
    public record NotificationOutcome(SourceRecord record, String reason, boolean pollSoon) {
    }

    /**
     * Emits a resource received in a notification unless the search (or an earlier notification) already did.
     * Returns the queued record, or one with a null record and the reason when there is nothing to wait for.
     * {@code beforeQueue} sees the record before the worker can.
     */
    public NotificationOutcome notification(ResourceInfo r, String json,
                                            java.util.function.Consumer<SourceRecord> beforeQueue)
            throws InterruptedException {
        Instant lastUpdated = parse(r.lastUpdated());
        if (lastUpdated == null) {
            return new NotificationOutcome(null, "no meta.lastUpdated", false);
        }
        lock.lockInterruptibly();
        try {
            if (cursor.notified(r, lastUpdated) == TypeCursor.Decision.SKIP) {
                return new NotificationOutcome(null, "already emitted", false);
            }
            Map<String, Object> newOffset = cursor.toOffset();
            SourceRecord record = bounded(records.resource(type, r.id(), r.versionId(), r.lastUpdated(), lastUpdated,
                    json, newOffset, "subscription"));
            beforeQueue.accept(record); // so a commitRecord racing with the queue finds its waiter
            queue(List.of(record), newOffset);
            metrics.records.incrementAndGet();
            return new NotificationOutcome(record, null, cursor.notifiedBacklog());
        } finally {
            lock.unlock();
        }
    }

    /** A search match to emit: the resource, and its meta.lastUpdated (null when unreadable). */
    private record Match(ResourceInfo resource, Instant lastUpdated) {
    }

    /** One delete found in _history: id, the version the delete created, and its time if the server gave one. */
    public record Deletion(String id, String versionId, String deletedAt) {
        String key() {
            return versionId == null ? id : id + "/" + versionId;
        }
    }

    /**
     * Emits tombstones for the deletes of one _history read (oldest first) that the previous read did not already
     * emit, then moves the history cursor to {@code nextSince}. Only the last tombstone carries the new offset.
     *
     * @param deletions    the deletes that are the newest entry of their resource in the read, oldest first
     * @param allDeleteKeys every delete entry of the read (remembered against the overlap of the next read)
     */
    public int deletes(List<Deletion> deletions, List<String> allDeleteKeys, String nextSince, int chunk)
            throws InterruptedException {
        lock.lockInterruptibly();
        try {
            List<Deletion> fresh = new ArrayList<>();
            for (Deletion d : deletions) {
                if (!cursor.deleteSeen(d.key())) {
                    fresh.add(d);
                }
            }
            cursor.deletesRead(nextSince, allDeleteKeys);
            Map<String, Object> newOffset = cursor.toOffset();
            List<SourceRecord> batch = new ArrayList<>();
            for (int i = 0; i < fresh.size(); i++) {
                Deletion d = fresh.get(i);
                Map<String, Object> offset = i == fresh.size() - 1 ? newOffset : lastOffset;
                batch.add(records.tombstone(type, d.id(), d.versionId(), d.deletedAt(), parse(d.deletedAt()), offset));
                if (batch.size() >= chunk && i < fresh.size() - 1) {
                    queue.put(batch);
                    batch = new ArrayList<>();
                }
            }
            queue(batch, newOffset);
            metrics.tombstones.addAndGet(fresh.size());
            return fresh.size();
        } finally {
            lock.unlock();
        }
    }

    /** The record, or its bounded error record when it is too large for Kafka (then logged and counted). */
    private SourceRecord bounded(SourceRecord record) {
        SourceRecord result = records.bounded(record);
        if (result != record) {
            metrics.oversized.incrementAndGet();
            // the id stays out of the log (some servers build ids from identifiers); the error record names it
            LOG.warn("A {} resource is too large for Kafka ({} bytes as stored); reported to {} instead and skipped",
                    type, result.headers().lastWithName(RecordFactory.HEADER_ERROR_SIZE).value(), result.topic());
        }
        return result;
    }

    private void queue(List<SourceRecord> batch, Map<String, Object> newOffset) throws InterruptedException {
        if (!batch.isEmpty()) {
            queue.put(batch);
            lastOffset = newOffset;
            metrics.offsetSize(type, newOffset);
            metrics.evictedNotified(type, cursor.evictedNotified());
        }
    }

    /** Watermark, ids at it and pending notifications, for the metrics. */
    public String describe() {
        lock.lock();
        try {
            return type + "@" + (cursor.watermarkText() == null ? "-" : cursor.watermarkText()) + " (+"
                    + cursor.idsAtWatermark() + " at it, " + cursor.pendingNotified() + " notified ahead, "
                    + cursor.evictedNotified() + " notified forgotten)";
        } finally {
            lock.unlock();
        }
    }

    static Instant parse(String instant) {
        if (instant == null || instant.isEmpty()) {
            return null;
        }
        try {
            return FhirSourceConnectorConfig.parseInstant(instant);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
