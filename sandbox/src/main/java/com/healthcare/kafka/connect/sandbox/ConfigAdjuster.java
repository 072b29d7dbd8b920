package com.healthcare.kafka.connect.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Fits a sandbox connector config to this run before it is applied: the ports chosen on the command line replace
 * the defaults the files are written for, and a config whose plugin this worker lacks is named, not applied.
 */
final class ConfigAdjuster {

    static final String DEFAULT_FHIR_URL = "http://localhost:8080/fhir";
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    private final SandboxOptions options;
    private final String fhirBaseUrl;
    private final Set<String> installed;

    /**
     * @param fhirBaseUrl the embedded FHIR server's base URL, or null when none runs
     * @param installed   every plugin class the worker lists ({@code /connector-plugins?connectorsOnly=false})
     */
    ConfigAdjuster(SandboxOptions options, String fhirBaseUrl, Set<String> installed) {
        this.options = options;
        this.fhirBaseUrl = fhirBaseUrl;
        this.installed = installed;
    }

    /** The plugin classes the config names that this worker does not have (empty: it can be applied). */
    List<String> missingPlugins(JsonNode config) {
        List<String> missing = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        classes.add(config.path("connector.class").asText(""));
        config.fields().forEachRemaining(e -> {
            String key = e.getKey();
            if ((key.startsWith("transforms.") || key.startsWith("predicates.")) && key.endsWith(".type")
                    && key.chars().filter(c -> c == '.').count() == 2) {
                classes.add(e.getValue().asText(""));
            }
        });
        for (String c : classes) {
            if (!c.isEmpty() && !installed.contains(c) && !missing.contains(c)) {
                missing.add(c);
            }
        }
        return missing;
    }

    /** Replaces the default ports of the files with this run's. */
    void adjust(ObjectNode config) {
        if (options.mllpPort != null && config.has("hl7.listener.port")) {
            config.put("hl7.listener.port", String.valueOf(options.mllpPort));
        }
        if (fhirBaseUrl != null && DEFAULT_FHIR_URL.equals(config.path("fhir.url").asText())) {
            config.put("fhir.url", fhirBaseUrl);
        }
        String bootstrap = options.host + ":" + options.kafkaPort;
        for (String key : List.of("source.cluster.bootstrap.servers", "target.cluster.bootstrap.servers")) {
            if (DEFAULT_BOOTSTRAP.equals(config.path(key).asText())) {
                config.put(key, bootstrap);
            }
        }
    }
}
