package com.healthcare.kafka.connect.it.fhir;

import static com.healthcare.kafka.connect.it.fhir.FhirItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * The shipped connector-configs/fhir-*.json (seeds 000 and 001 adapted, and our two examples) validate with zero
 * errors on the real worker and run against the test server. Only what cannot work here is rewritten: the FHIR
 * and token URLs (to the local server), the {@code ${file:...}} paths (to a temporary secrets file read by the
 * worker's FileConfigProvider) and the subscription endpoint/listener (to loopback and a free port).
 */
class FhirSeedConfigsIT {

    static ConnectWorker worker;
    static FhirTestServer server;
    static Path secrets;
    static final String BEARER = "seed-bearer-token";

    @BeforeAll
    static void start() throws IOException {
        server = FhirTestServer.start();
        worker = ConnectWorker.start("fhir-seeds");
        secrets = Files.createTempDirectory("fhir-seed-secrets").resolve("fhir-credentials");
        Files.writeString(secrets, "token=" + BEARER + "\nclient_id=" + server.oauth().clientId + "\nclient_secret="
                + server.oauth().clientSecret + "\nwebhook_token=hook-secret\n");
        server.oauth().staticTokens.add(BEARER);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static Stream<Path> configs() throws IOException {
        return Files.list(BuiltZips.projectRoot().resolve("connector-configs"))
                .filter(p -> p.getFileName().toString().matches("fhir-.*\\.json")).sorted();
    }

    static Map<String, String> localized(Path file) throws IOException {
        JsonNode json = ConnectWorker.JSON.readTree(file.toFile());
        Map<String, String> config = new LinkedHashMap<>();
        json.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        for (Map.Entry<String, String> e : config.entrySet()) {
            String v = e.getValue().replaceAll("\\$\\{file:[^:}]+:", "\\${file:" + secrets + ":");
            if (e.getKey().equals("fhir.url") || e.getKey().equals("fhir.server.url")) {
                v = server.baseUrl();
            } else if (e.getKey().equals("fhir.auth.oauth.token.endpoint")
                    || e.getKey().equals("fhir.server.auth.oauth2.token.url")) {
                v = server.tokenUrl();
            }
            e.setValue(v);
        }
        if (Boolean.parseBoolean(config.getOrDefault("fhir.subscription.enabled", "false"))) {
            int port = ConnectWorker.freePort();
            config.put("fhir.subscription.channel.endpoint", "http://127.0.0.1:" + port + "/fhir-webhook");
            config.put("fhir.subscription.listener.port", String.valueOf(port));
            config.put("fhir.subscription.listener.bind.address", "127.0.0.1");
        }
        return config;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void validatesWithoutErrorsAndRuns(Path file) throws Exception {
        String run = file.getFileName().toString().replace(".json", "").replace("fhir-", "");
        Map<String, String> config = localized(file);
        // POST /connectors takes the name from the top level; validate needs it in the config
        String name = ConnectWorker.JSON.readTree(file.toFile()).get("name").asText();
        config.putIfAbsent("name", name);
        ConfigInfos infos = worker.validate(config.get("connector.class"), config);
        assertThat(infos.errorCount()).as("validation errors of %s: %s", file.getFileName(), infos.configs().stream()
                .filter(v -> !v.configValue().errors().isEmpty()).map(v -> v.configValue().name() + "="
                        + v.configValue().errors()).toList()).isZero();

        String prefix = config.getOrDefault("topic.prefix", "fhir.");
        List<String> types = List.of(config.getOrDefault("fhir.resource.types",
                config.getOrDefault("fhir.resources", "")).split(","));
        String auth = config.getOrDefault("fhir.auth.type", config.getOrDefault("fhir.server.auth.type", "none"));
        server.faults().requireAuth = !"none".equals(auth);
        server.store().putAll(FhirItSupport.patients(run, 3));
        int tasks = Math.min(Integer.parseInt(config.getOrDefault("tasks.max", "1")), types.size());
        worker.startConnector(name, config, tasks);
        try {
            await(name + " delivers its patients", Duration.ofSeconds(90), () -> worker
                    .consume(Integer.MAX_VALUE, Duration.ofSeconds(2), prefix + "Patient").stream()
                    .map(FhirItSupport::key).filter(k -> k.startsWith("Patient/" + run + "-p")).distinct()
                    .count() == 3);
        } finally {
            worker.cluster().deleteConnector(name);
        }
    }
}
