package com.healthcare.kafka.connect.fhir.poll;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Carries errors from the fetching threads to {@code poll()}: a permanent one fails the task with its readable
 * message; a transient one (retries used up) is reported once as a RetriableException, which the worker logs
 * before polling again, while the type tries again on its next cycle.
 */
public final class TaskErrors {

    private final AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    private final ConcurrentLinkedQueue<String> transientErrors = new ConcurrentLinkedQueue<>();
    private final RecordQueue queue;
    private final TaskMetrics metrics;

    public TaskErrors(RecordQueue queue, TaskMetrics metrics) {
        this.queue = queue;
        this.metrics = metrics;
    }

    public void fatal(RuntimeException e) {
        fatal.compareAndSet(null, e);
        metrics.error(e.getMessage());
        queue.wakeUp();
    }

    public void transientError(String message) {
        transientErrors.add(message);
        metrics.error(message);
        queue.wakeUp();
    }

    public boolean hasFatal() {
        return fatal.get() != null;
    }

    /** Throws what poll() should throw, if anything. */
    public void rethrow() {
        RuntimeException e = fatal.get();
        if (e != null) {
            throw e instanceof ConnectException ? (ConnectException) e : new ConnectException(e.getMessage(), e);
        }
        String message = transientErrors.poll();
        if (message != null) {
            transientErrors.clear();
            throw new RetriableException(message);
        }
    }
}
