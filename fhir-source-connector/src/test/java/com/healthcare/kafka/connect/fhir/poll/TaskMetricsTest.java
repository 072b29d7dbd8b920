package com.healthcare.kafka.connect.fhir.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** A failing offset commit must be visible: Connect itself only logs it and keeps the task RUNNING. */
class TaskMetricsTest {

    @Test
    void recordsWrittenWithoutAnOffsetCommitForFiveMinutesAreReported() {
        AtomicLong now = new AtomicLong(1_000_000);
        TaskMetrics metrics = new TaskMetrics(now::get);
        metrics.written();
        now.addAndGet(TaskMetrics.COMMIT_STALE_MS - 1000);
        metrics.checkCommits();
        assertThat(metrics.getLastError()).isEmpty();

        now.addAndGet(2000);
        metrics.checkCommits();
        assertThat(metrics.getLastError()).startsWith("No offset commit for 301 s although records were written");
        assertThat(metrics.getMillisSinceOffsetCommit()).isEqualTo(TaskMetrics.COMMIT_STALE_MS + 1000);

        // a commit clears the condition; with nothing written since, a quiet task is not reported
        metrics.error("");
        metrics.offsetsCommitted();
        assertThat(metrics.getOffsetCommits()).isEqualTo(1);
        now.addAndGet(TaskMetrics.COMMIT_STALE_MS * 3);
        metrics.checkCommits();
        assertThat(metrics.getLastError()).isEmpty();
    }

    @Test
    void theLargestOffsetIsExposed() {
        TaskMetrics metrics = new TaskMetrics();
        metrics.offsetSize("Patient", Map.of("wm", "2024-05-01T10:00:00Z", "ids", "a/1,b/1"));
        metrics.offsetSize("Observation", Map.of("wm", "", "ids", "x".repeat(600_000)));
        assertThat(metrics.getLargestOffsetBytes()).isGreaterThan(600_000).isLessThan(600_100);
        metrics.offsetSize("Observation", Map.of("wm", "", "ids", ""));
        assertThat(metrics.getLargestOffsetBytes()).isLessThan(100);
    }
}
