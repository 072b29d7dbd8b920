package com.healthcare.kafka.connect.fhir.sink;

/** Per-task JMX metrics of the FHIR sink (healthcare.connect.fhir:type=sink-task,connector=...,task=...). */
public interface SinkTaskMetricsMXBean {

    /** Records whose write the server confirmed (including skipped tombstones). */
    long getRecordsWritten();

    /** HTTP requests sent, retries included. */
    long getRequests();

    /** Requests repeated after 429, 5xx or I/O errors. */
    long getRetries();

    /** Records sent to the dead letter queue. */
    long getRecordsDeadLettered();

    /** Times the task gave up on a batch after retries and asked the worker to redeliver it. */
    long getBatchesRedelivered();

    /** Tombstones skipped because deletes are disabled. */
    long getTombstonesSkipped();

    /** Requests in flight now. */
    int getRequestsInFlight();

    /** Write latency percentiles over the last 2048 requests (ms, including retries). */
    double getLatencyP50Ms();

    double getLatencyP95Ms();

    double getLatencyP99Ms();

    double getLatencyMaxMs();
}
