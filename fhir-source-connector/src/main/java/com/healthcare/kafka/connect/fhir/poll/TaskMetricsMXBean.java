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
}
