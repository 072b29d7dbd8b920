package com.healthcare.kafka.connect.it.fuzz;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Samples this JVM's heap (the embedded broker and worker, hence the connector, run in it) while the fuzzer runs:
 * the highest heap in use at any sample, and the highest live set measured right after a collection (what the
 * heap really holds, without garbage waiting to be collected).
 */
final class HeapSampler implements AutoCloseable {

    private final Thread thread;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener onGc = this::onGc;
    private final java.util.Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
            .map(java.lang.management.MemoryPoolMXBean::getName)
            .collect(java.util.stream.Collectors.toSet());
    private volatile boolean running = true;
    private volatile long maxUsed;
    private volatile long maxAfterGc;

    HeapSampler() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(onGc, null, null);
                emitters.add(emitter);
            }
        }
        thread = new Thread(this::run, "fuzz-heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(20); // sampling period
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        if (used > maxUsed) {
            maxUsed = used;
        }
    }

    /** Heap in use right after each collection (young ones included), summed over the heap's pools. */
    private void onGc(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        long afterGc = 0;
        for (java.util.Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                afterGc += pool.getValue().getUsed();
            }
        }
        synchronized (this) {
            if (afterGc > maxAfterGc) {
                maxAfterGc = afterGc;
            }
        }
    }

    long maxUsed() {
        return maxUsed;
    }

    long maxAfterGc() {
        return maxAfterGc;
    }

    static long maxHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    /** Heap in use after a full collection requested now (best effort: System.gc() may be coalesced). */
    static long liveAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
        sample();
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(onGc);
            } catch (javax.management.ListenerNotFoundException ignored) {
                // Already gone.
            }
        }
    }
}
