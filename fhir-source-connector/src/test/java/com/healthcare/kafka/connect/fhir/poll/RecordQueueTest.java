package com.healthcare.kafka.connect.fhir.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RecordQueueTest {

    static List<SourceRecord> batch(int n) {
        List<SourceRecord> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            b.add(new SourceRecord(null, null, "t", null, null));
        }
        return b;
    }

    @Test
    void batchesAreNeverSplitAndTheProducerWaitsWhenFull() throws Exception {
        RecordQueue q = new RecordQueue(5);
        q.put(batch(3));
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                q.put(batch(3));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        assertThat(blocked).isNotDone();
        assertThat(q.take(4, 100)).hasSize(3);
        blocked.get(2, TimeUnit.SECONDS);
        q.put(batch(1));
        assertThat(q.take(4, 100)).hasSize(4);
        assertThat(q.take(4, 50)).isEmpty();
    }

    @Test
    void anOversizedBatchStillPassesThroughAnEmptyQueue() throws Exception {
        RecordQueue q = new RecordQueue(2);
        q.put(batch(10));
        assertThat(q.take(1, 100)).hasSize(10);
    }
}
