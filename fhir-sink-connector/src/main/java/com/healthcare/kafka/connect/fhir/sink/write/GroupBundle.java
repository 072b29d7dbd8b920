package com.healthcare.kafka.connect.fhir.sink.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A transaction or batch Bundle built from single-resource writes, with each record's JSON copied in byte for
 * byte (no re-serialization), and the reading of the server's response entries back onto the writes.
 */
final class GroupBundle {

    private GroupBundle() {
    }

    static byte[] build(String type, List<Write> writes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(writes.stream()
                .mapToInt(w -> w.body() == null ? 64 : w.body().length + 96).sum() + 64);
        try {
            out.write(("{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[")
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < writes.size(); i++) {
                Write w = writes.get(i);
                out.write(i == 0 ? '{' : ',');
                if (i > 0) {
                    out.write('{');
                }
                if (w.body() != null) {
                    out.write("\"resource\":".getBytes(StandardCharsets.UTF_8));
                    out.write(w.body());
                    out.write(',');
                }
                StringBuilder request = new StringBuilder("\"request\":{\"method\":\"").append(w.kind().method())
                        .append("\",\"url\":").append(quote(w.url()));
                if (w.ifNoneExist() != null) {
                    request.append(",\"ifNoneExist\":").append(quote(w.ifNoneExist()));
                }
                request.append("}}");
                out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One response entry: its HTTP status (0 when missing) and the OperationOutcome text, if any. */
    record EntryResponse(int status, String outcome) {
    }

    /** The response entries of a transaction-response or batch-response, in request order. */
    static List<EntryResponse> responses(byte[] body) {
        List<EntryResponse> result = new ArrayList<>();
        JsonNode root;
        try {
            root = WritePlanner.MAPPER.readTree(body);
        } catch (IOException e) {
            return result;
        }
        if (root == null) {
            return result;
        }
        for (JsonNode entry : root.path("entry")) {
            JsonNode response = entry.path("response");
            String status = response.path("status").asText("");
            int code = 0;
            int space = status.indexOf(' ');
            try {
                code = Integer.parseInt(space < 0 ? status.trim() : status.substring(0, space));
            } catch (NumberFormatException e) {
                // left 0: unknown
            }
            JsonNode outcome = response.path("outcome");
            String text = outcome.isObject() ? OutcomeText.of(outcome) : null;
            result.add(new EntryResponse(code, text));
        }
        return result;
    }

    private static String quote(String s) {
        try {
            return WritePlanner.MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
