package com.healthcare.kafka.connect.fhir.bulk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the Bulk Data load of one resource type stands, as its source offset: the export job (its status URL), the
 * job's transactionTime once known, and the number of lines of the type's {@code file}-th output file already
 * emitted. A restart polls the job again (a completed job answers with the same manifest) and resumes there.
 */
public record BulkProgress(String job, String transactionTime, int file, long line) {

    static final String JOB = "bulk.job";
    static final String TRANSACTION_TIME = "bulk.tt";
    static final String FILE = "bulk.file";
    static final String LINE = "bulk.line";

    /** The progress in a stored offset, or null when the offset is not a bulk load's. */
    public static BulkProgress from(Map<String, Object> offset) {
        if (offset == null || !(offset.get(JOB) instanceof String job) || job.isEmpty()) {
            return null;
        }
        return new BulkProgress(job, string(offset.get(TRANSACTION_TIME)), number(offset.get(FILE)).intValue(),
                number(offset.get(LINE)).longValue());
    }

    public Map<String, Object> toOffset() {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("v", 1);
        offset.put(JOB, job);
        offset.put(TRANSACTION_TIME, transactionTime == null ? "" : transactionTime);
        offset.put(FILE, file);
        offset.put(LINE, line);
        return offset;
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }
}
