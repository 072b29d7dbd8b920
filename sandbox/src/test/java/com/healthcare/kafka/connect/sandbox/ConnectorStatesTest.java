package com.healthcare.kafka.connect.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The banner's connector lines, from the shape of GET /connectors?expand=status. */
class ConnectorStatesTest {

    static JsonNode status(String connectorState, String... tasks) throws Exception {
        StringBuilder json = new StringBuilder("{\"hl7\": {\"status\": {\"name\": \"hl7\","
                + " \"connector\": {\"state\": \"" + connectorState + "\", \"worker_id\": \"127.0.0.1:8083\"}, \"tasks\": [");
        for (int i = 0; i < tasks.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"state\": \"").append(tasks[i])
                    .append('"').append(tasks[i].equals("FAILED") ? ", \"trace\": \"org.apache.kafka.connect.errors."
                            + "ConnectException: cannot listen on 127.0.0.1:2575: Address already in use\\n\\tat x\""
                            : "").append('}');
        }
        return new ObjectMapper().readTree(json.append("], \"type\": \"source\"}}}").toString());
    }

    @Test
    void aRunningConnectorWhoseTaskFailedIsShownFailedWithTheReason() throws Exception {
        ConnectorStates states = ConnectorStates.of(status("RUNNING", "FAILED"), List.of("hl7"));
        assertThat(states.settled()).isTrue();
        assertThat(states.failed()).containsExactly("hl7");
        assertThat(states.lines()).hasSize(1);
        assertThat(states.lines().get(0)).startsWith("  hl7: FAILED, task 0 FAILED\n")
                .contains("Address already in use").doesNotContain("RUNNING").doesNotContain("\tat x");
    }

    @Test
    void runningOnlyWhenTheConnectorAndEveryTaskRun() throws Exception {
        ConnectorStates states = ConnectorStates.of(status("RUNNING", "RUNNING", "RUNNING"), List.of("hl7"));
        assertThat(states.settled()).isTrue();
        assertThat(states.failed()).isEmpty();
        assertThat(states.lines()).containsExactly("  hl7: RUNNING, task 0 RUNNING, task 1 RUNNING");
        assertThat(ConnectorStates.of(status("RUNNING", "RUNNING", "FAILED"), List.of("hl7")).failed())
                .containsExactly("hl7");
    }

    @Test
    void notSettledWhileATaskIsMissingOrUnassignedOrAConnectorIsAbsent() throws Exception {
        assertThat(ConnectorStates.of(status("RUNNING"), List.of("hl7")).settled()).isFalse();
        assertThat(ConnectorStates.of(status("RUNNING", "UNASSIGNED"), List.of("hl7")).settled()).isFalse();
        assertThat(ConnectorStates.of(status("UNASSIGNED"), List.of("hl7")).settled()).isFalse();
        assertThat(ConnectorStates.of(status("RUNNING", "RUNNING"), List.of("hl7", "other")).settled()).isFalse();
    }
}
