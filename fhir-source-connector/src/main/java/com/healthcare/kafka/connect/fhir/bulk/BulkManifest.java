package com.healthcare.kafka.connect.fhir.bulk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The completion manifest of a Bulk Data export: its transactionTime and its output and error files. */
public record BulkManifest(String transactionTime, boolean requiresAccessToken, List<File> output,
                           List<File> error) {

    /** One NDJSON file of one resource type. */
    public record File(String type, String url) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static BulkManifest parse(byte[] body) throws IOException {
        JsonNode json = MAPPER.readTree(body);
        if (json == null || !json.hasNonNull("transactionTime")) {
            throw new IOException("the export's completion manifest has no transactionTime");
        }
        return new BulkManifest(json.get("transactionTime").asText(), json.path("requiresAccessToken").asBoolean(),
                files(json.path("output")), files(json.path("error")));
    }

    private static List<File> files(JsonNode array) {
        List<File> files = new ArrayList<>();
        for (JsonNode file : array) {
            files.add(new File(file.path("type").asText(""), file.path("url").asText("")));
        }
        return files;
    }

    /** The output files of {@code type}, in manifest order (the order progress is counted in). */
    public List<File> outputOf(String type) {
        return output.stream().filter(f -> f.type().equals(type)).toList();
    }
}
