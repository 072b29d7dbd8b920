package com.healthcare.kafka.connect.fhir;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import com.healthcare.kafka.connect.common.BuildVersion;

/** Placeholder task: polling and subscriptions are built in the FHIR source issue. */
public class FhirSourceTask extends SourceTask {

    @Override
    public String version() {
        return BuildVersion.of(FhirSourceTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        new FhirSourceConnectorConfig(props);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Thread.sleep(500);
        return null;
    }

    @Override
    public void stop() {
    }
}
