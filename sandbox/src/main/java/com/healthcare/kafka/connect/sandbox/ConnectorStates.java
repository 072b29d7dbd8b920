package com.healthcare.kafka.connect.sandbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the banner says about each connector, from {@code GET /connectors?expand=status}. A connector whose task
 * failed is FAILED, whatever the connector's own state: Connect reports the connector RUNNING when only its task
 * failed (e.g. the MLLP port was taken), and the banner must not say RUNNING then.
 */
record ConnectorStates(boolean settled, List<String> lines, List<String> failed) {

    static ConnectorStates of(JsonNode expandedStatus, Collection<String> applied) {
        boolean settled = true;
        List<String> lines = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String name : applied) {
            settled &= expandedStatus.has(name);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expandedStatus.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode status = e.getValue().path("status");
            String state = status.path("connector").path("state").asText("UNASSIGNED");
            settled &= !state.equals("UNASSIGNED");
            String shown = state;
            String reason = firstLine(status.path("connector").path("trace").asText(""));
            StringBuilder tasks = new StringBuilder();
            JsonNode taskList = status.path("tasks");
            // a running connector without tasks yet has not settled: its task may still fail
            settled &= !state.equals("RUNNING") || taskList.size() > 0;
            for (JsonNode task : taskList) {
                String taskState = task.path("state").asText("UNASSIGNED");
                settled &= !taskState.equals("UNASSIGNED");
                tasks.append(", task ").append(task.path("id").asText()).append(' ').append(taskState);
                if (taskState.equals("FAILED")) {
                    shown = "FAILED";
                    if (reason.isEmpty()) {
                        reason = firstLine(task.path("trace").asText(""));
                    }
                }
            }
            if (shown.equals("FAILED")) {
                failed.add(e.getKey());
            }
            lines.add("  " + e.getKey() + ": " + shown + tasks + (shown.equals("FAILED") && !reason.isEmpty()
                    ? "\n      " + reason : ""));
        }
        return new ConnectorStates(settled, lines, failed);
    }

    private static String firstLine(String trace) {
        int end = trace.indexOf('\n');
        return (end < 0 ? trace : trace.substring(0, end)).trim();
    }
}
