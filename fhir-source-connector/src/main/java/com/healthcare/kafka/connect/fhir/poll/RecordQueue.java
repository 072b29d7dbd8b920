package com.healthcare.kafka.connect.fhir.poll;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.connect.source.SourceRecord;

/**
 * Bounded hand-over of record batches from the fetching threads to {@code poll()}. A batch is never split: the
 * last record of a page carries the type's new offset and the others the previous one, so whatever prefix the
 * worker commits is a safe restart point. Producers wait while the queue holds {@code capacity} records (an empty
 * queue always admits one batch, however large); the consumer waits at most its timeout, so no thread spins.
 */
public final class RecordQueue {

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final Deque<List<SourceRecord>> batches = new ArrayDeque<>();
    private int size;
    private boolean woken;

    public RecordQueue(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** Adds a batch, waiting while the queue is full. */
    public void put(List<SourceRecord> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        lock.lockInterruptibly();
        try {
            while (size > 0 && size + batch.size() > capacity) {
                notFull.await();
            }
            batches.addLast(batch);
            size += batch.size();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whole batches, at least one and then more while the total stays within {@code maxRecords}; empty after
     * {@code timeoutMs} without any.
     */
    public List<SourceRecord> take(int maxRecords, long timeoutMs) throws InterruptedException {
        long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lockInterruptibly();
        try {
            while (batches.isEmpty()) {
                if (remaining <= 0 || woken) {
                    woken = false;
                    return List.of();
                }
                remaining = notEmpty.awaitNanos(remaining);
            }
            List<SourceRecord> result = new ArrayList<>(batches.peekFirst());
            size -= batches.pollFirst().size();
            while (!batches.isEmpty() && result.size() + batches.peekFirst().size() <= maxRecords) {
                List<SourceRecord> next = batches.pollFirst();
                result.addAll(next);
                size -= next.size();
            }
            notFull.signalAll();
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a consumer waiting in {@link #take} early (used to report an error promptly). */
    public void wakeUp() {
        lock.lock();
        try {
            woken = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
