package com.healthcare.kafka.connect.hl7.record;

import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

import com.healthcare.kafka.connect.hl7.delivery.Part;

/**
 * A source record that knows the message it carries. Connect hands the very instance returned by poll() back to
 * {@code SourceTask.commitRecord}, so the acknowledgement can follow the commit without a lookup table.
 */
public final class TrackedRecord extends SourceRecord {

    private final Part part;

    TrackedRecord(Part part, Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic,
                  Integer partition, Schema keySchema, Object key, Schema valueSchema, Object value, Long timestamp,
                  Headers headers) {
        super(sourcePartition, sourceOffset, topic, partition, keySchema, key, valueSchema, value, timestamp,
                headers);
        this.part = part;
    }

    public Part part() {
        return part;
    }

    /** Whether this record goes to the error topic (its part stands for a rejection). */
    public boolean isErrorRecord() {
        return part.presetFailure() != null;
    }

    /**
     * Identity, not content: the exactly-once worker keys pending commits by record in a map, and two resent
     * copies of one message can be equal by content; each must get its own commit callback. Identity hashing
     * also spares hashing a multi-megabyte message.
     */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
