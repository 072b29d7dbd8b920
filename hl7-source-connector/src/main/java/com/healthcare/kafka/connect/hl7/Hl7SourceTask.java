package com.healthcare.kafka.connect.hl7;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import com.healthcare.kafka.connect.common.BuildVersion;

/** Placeholder task: the MLLP listener is built in the HL7 source issue. */
public class Hl7SourceTask extends SourceTask {

    @Override
    public String version() {
        return BuildVersion.of(Hl7SourceTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        new Hl7SourceConnectorConfig(props);
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
