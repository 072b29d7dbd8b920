package com.healthcare.kafka.connect.fhir.sink.write;

/** Told about every request the writer sends (metrics). */
public interface WriteListener {

    void requestStarted();

    /** @param nanos the request's time, retries and their waits included */
    void requestFinished(long nanos);

    WriteListener NONE = new WriteListener() {
        @Override
        public void requestStarted() {
        }

        @Override
        public void requestFinished(long nanos) {
        }
    };
}
