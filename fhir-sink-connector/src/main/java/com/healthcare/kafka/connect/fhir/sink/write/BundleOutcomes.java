package com.healthcare.kafka.connect.fhir.sink.write;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading the server's answer to a Bundle record: which entries of a batch failed, and which entry of a
 * rejected transaction the OperationOutcome points at, so the error names it.
 */
final class BundleOutcomes {

    private static final Pattern ENTRY_INDEX = Pattern.compile("[Ee]ntry\\s*[\\[.#]\\s*(\\d+)");

    private BundleOutcomes() {
    }

    /** A batch-response with failed entries is an error naming them; a transaction-response is confirmed. */
    static Outcome of(Write w, byte[] responseBody) {
        List<GroupBundle.EntryResponse> responses = GroupBundle.responses(responseBody);
        List<String[]> requests = null;
        StringBuilder failed = new StringBuilder();
        int worst = 0;
        for (int n = 0; n < responses.size(); n++) {
            GroupBundle.EntryResponse r = responses.get(n);
            if (r.status() / 100 == 2 || r.status() == 0) {
                continue;
            }
            if (requests == null) {
                requests = requests(w.body());
            }
            String[] req = n < requests.size() ? requests.get(n) : new String[] {"?", "?"};
            failed.append(failed.isEmpty() ? "" : "; ").append("entry ").append(n + 1).append(" (")
                    .append(req[0]).append(' ').append(req[1]).append(") -> HTTP ").append(r.status())
                    .append(r.outcome() == null ? "" : " " + r.outcome());
            worst = Math.max(worst, r.status());
        }
        if (failed.isEmpty()) {
            return Outcome.CONFIRMED;
        }
        String message = "POST [base] (batch Bundle of " + responses.size() + " entries): " + failed;
        return worst / 100 == 4 ? Outcome.rejected(new RejectedRecordException(message, worst))
                : Outcome.transientFailure(new RejectedRecordException(message, worst));
    }

    /**
     * " (failed entry N: METHOD url)" for the entry a rejected transaction's message points at (by index, or by
     * naming its URL or fullUrl), or a note that the server did not say.
     */
    static String failedEntry(byte[] requestBody, String message) {
        List<String[]> requests = requests(requestBody);
        if (message != null) {
            Matcher m = ENTRY_INDEX.matcher(message);
            if (m.find()) {
                int index = Integer.parseInt(m.group(1)); // HAPI and FHIRPath count from 0
                if (index < requests.size()) {
                    return describe(index, requests.get(index));
                }
            }
            for (int n = 0; n < requests.size(); n++) {
                String[] r = requests.get(n);
                if ((!r[2].isEmpty() && message.contains(r[2]))
                        || (!r[1].isEmpty() && r[1].length() > 3 && message.contains(r[1]))
                        || (!r[3].isEmpty() && message.contains(r[3]))) {
                    return describe(n, r);
                }
            }
        }
        return " (transaction of " + requests.size() + " entries, rolled back; the server's answer does not "
                + "say which entry failed)";
    }

    private static String describe(int index, String[] request) {
        return " (failed entry " + (index + 1) + ": " + request[0] + " " + request[1]
                + (request[3].isEmpty() ? "" : " ifNoneExist " + request[3]) + ")";
    }

    /** Per entry: request method, request url, fullUrl, ifNoneExist (each "" when absent). */
    private static List<String[]> requests(byte[] body) {
        List<String[]> result = new ArrayList<>();
        try {
            JsonNode root = WritePlanner.MAPPER.readTree(body);
            for (JsonNode entry : root.path("entry")) {
                JsonNode request = entry.path("request");
                result.add(new String[] {request.path("method").asText("?"), request.path("url").asText(""),
                        entry.path("fullUrl").asText(""), request.path("ifNoneExist").asText("")});
            }
        } catch (IOException | RuntimeException e) {
            // the body was read once already; an unreadable one only loses the entry names
        }
        return result;
    }
}
