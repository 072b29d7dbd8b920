package com.healthcare.kafka.connect.fhir.poll;

/** JMX view of one FHIR source task (healthcare.connect.fhir:type=source-task,connector=...,task=...). */
public interface TaskMetricsMXBean {

    long getRecordsEmitted();

    long getTombstonesEmitted();

    long getDuplicatesSkipped();

    long getPagesFetched();

    long getHttpRequests();

    long getHttpRetries();

    long getHttpThrottled();

    long getNotificationsAccepted();

    long getNotificationsRejected();

    long getQueuedRecords();

    String getLastError();

    String[] getCursors();

    /** Resources too large for Kafka, reported to the error topic instead. */
    long getOversizedResources();

    /** The largest current source offset of this task's types, in bytes (about its JSON size). */
    long getLargestOffsetBytes();

    /** Notified keys forgotten to keep the offset bounded (each may be emitted once more by polling). */
    long getNotifiedForgotten();

    /** Successful offset commits of the worker for this task (SourceTask.commit calls). */
    long getOffsetCommits();

    /** Time since the last successful offset commit (or the task start). */
    long getMillisSinceOffsetCommit();

    long getListenerConnectionsRefused();

    /** Listener connections closed because their TLS handshake, headers or body missed the deadline. */
    long getListenerTimeouts();

    long getListenerMalformedRequests();
}
