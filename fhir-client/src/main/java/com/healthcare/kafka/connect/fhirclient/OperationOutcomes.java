package com.healthcare.kafka.connect.fhirclient;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns an error response body into one readable line: the issues of an OperationOutcome
 * ({@code error processing: Unknown search parameter "foo" [Observation.foo]}), an OAuth2 error
 * ({@code invalid_client: ...}), or the start of a plain-text body.
 */
public final class OperationOutcomes {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX = 600;

    private OperationOutcomes() {
    }

    public static String summarize(byte[] body) {
        if (body == null || body.length == 0) {
            return "(empty body)";
        }
        try {
            JsonNode root = MAPPER.readTree(body);
            if (root != null && root.isObject()) {
                if ("OperationOutcome".equals(root.path("resourceType").asText())) {
                    return truncate(fromOutcome(root));
                }
                if (root.has("error")) {
                    String description = root.path("error_description").asText("");
                    return truncate(root.path("error").asText() + (description.isEmpty() ? "" : ": " + description));
                }
            }
        } catch (Exception e) {
            // not JSON: fall through to the text
        }
        String text = new String(body, 0, Math.min(body.length, 2 * MAX), StandardCharsets.UTF_8)
                .replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return truncate(text.isEmpty() ? "(no readable body)" : text);
    }

    static String fromOutcome(JsonNode outcome) {
        StringBuilder sb = new StringBuilder("OperationOutcome:");
        JsonNode issues = outcome.path("issue");
        if (!issues.isArray() || issues.isEmpty()) {
            return sb.append(" (no issues)").toString();
        }
        String separator = " ";
        for (JsonNode issue : issues) {
            sb.append(separator);
            separator = "; ";
            sb.append(issue.path("severity").asText("?")).append(' ').append(issue.path("code").asText("?"));
            String diagnostics = issue.path("diagnostics").asText("");
            String details = issue.path("details").path("text").asText("");
            if (!details.isEmpty()) {
                sb.append(": ").append(details);
            }
            if (!diagnostics.isEmpty()) {
                sb.append(": ").append(diagnostics);
            }
            JsonNode expression = issue.path("expression");
            if (expression.isArray() && !expression.isEmpty()) {
                sb.append(" [").append(expression.get(0).asText()).append(']');
            }
        }
        return sb.toString();
    }

    private static String truncate(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX) + "...";
    }
}
