package com.healthcare.kafka.connect.it.cdc;

import static com.healthcare.kafka.connect.it.cdc.CdcSupport.closeQuietly;
import static com.healthcare.kafka.connect.it.cdc.CdcSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.healthcare.kafka.connect.it.cdc.CdcSupport.ConnectorFile;
import com.healthcare.kafka.connect.it.cdc.KitProcess.Result;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The per-facility kit of docker/facility/ and the facility SQL Server config, against a real worker:
 * <ul>
 * <li>the worker identity compose.yml + facility-entrypoint.sh render (group and internal topics per facility), used
 * to start the test worker itself;</li>
 * <li>apply-connectors.sh run as a process: creates, then changes nothing, then updates on a changed variable, and
 * refuses an unset variable by name;</li>
 * <li>connector-configs/cdc-facility-sqlserver-source.json validated by the real Debezium SqlServerConnector.</li>
 * </ul>
 * The worker has the env config provider, and failsafe gives this JVM values for every variable the SQL Server
 * config references (see integration-tests/pom.xml), so ${env:...} is resolved as in production, not substituted.
 * No SQL Server can run here, so the apply tool is exercised with the PostgreSQL twin of the facility config
 * (derived from the committed file, ${env:...} references kept) against a real PostgreSQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FacilityKitIT {

    static final String CODE = "KIT-001";
    static final String CONNECTOR = "clinicmaster-cdc-" + CODE;
    static final String SQLSERVER = "io.debezium.connector.sqlserver.SqlServerConnector";

    static EmbeddedPostgres facilityDb;
    static ConnectWorker worker;
    static Properties workerConfig;
    static Path pgTemplate;

    /** A facility's .env, as an operator fills it in. */
    static Map<String, String> dotEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FACILITY_NAME", "Kit Health Centre III");
        env.put("FACILITY_DHIS2_CODE", CODE);
        env.put("DB_HOST", "localhost");
        env.put("DB_PORT", String.valueOf(facilityDb.getPort()));
        env.put("DB_USER", "postgres");
        env.put("DB_PASS", "not-the-workers-value");
        env.put("DB_NAME", "postgres");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "central-kafka-1.example.com:9093");
        env.put("KAFKA_USER", "facility-kit");
        env.put("KAFKA_PASS", "kafka-secret-of-the-kit");
        return env;
    }

    @BeforeAll
    static void start() throws IOException {
        facilityDb = CdcSupport.startPostgres(true);
        sql(facilityDb, "CREATE SCHEMA dbo",
                "CREATE TABLE dbo.visits (id integer PRIMARY KEY, patient_name text, ward text)",
                "INSERT INTO dbo.visits VALUES (1, 'kit patient', 'OPD')");

        // The worker identity exactly as the container renders it from compose.yml and .env.
        Map<String, String> containerEnv = new HashMap<>(dotEnv());
        containerEnv.putAll(KitProcess.composeEnvironment(dotEnv()));
        Result printed = KitProcess.run(containerEnv, "facility-entrypoint.sh", "--print-worker-config");
        assertThat(printed.exitCode()).as(printed.stderr()).isZero();
        workerConfig = KitProcess.properties(printed.stdout());

        Map<String, String> overrides = new HashMap<>();
        for (String key : List.of("group.id", "config.storage.topic", "offset.storage.topic",
                "status.storage.topic", "config.providers.env.class")) {
            overrides.put(key, workerConfig.getProperty(key));
        }
        overrides.put("config.providers", "file,env");
        worker = ConnectWorker.start("facility-kit", overrides, CdcSupport.debeziumPlugins());

        pgTemplate = writePostgresTemplate();
    }

    /**
     * The committed SQL Server facility config as a PostgreSQL template: database keys swapped, every other key
     * (name, transforms with the ${env:...} facility code and name, converters, errors) the file's own.
     */
    static Path writePostgresTemplate() throws IOException {
        ConnectorFile file = CdcSupport.connectorConfig("cdc-facility-sqlserver-source.json");
        Map<String, String> config = new LinkedHashMap<>(file.config());
        config.keySet().removeIf(key -> key.startsWith("database.") || key.startsWith("schema.history."));
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("database.hostname", "${env:DB_HOST}");
        config.put("database.port", "${env:DB_PORT}");
        config.put("database.user", "${env:DB_USER}");
        config.put("database.password", "${env:DB_PASS}");
        config.put("database.dbname", "${env:DB_NAME}");
        config.put("plugin.name", "pgoutput");
        config.put("publication.autocreate.mode", "filtered");
        ObjectNode json = ConnectWorker.JSON.createObjectNode();
        json.put("name", file.name());
        ObjectNode configNode = json.putObject("config");
        config.forEach(configNode::put);
        Path dir = Files.createDirectories(BuiltZips.workDir().resolve("facility-kit-templates"));
        Path template = dir.resolve("facility-postgres-source.json");
        Files.writeString(template, ConnectWorker.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return template;
    }

    @AfterAll
    static void stop() {
        closeQuietly(worker);
        closeQuietly(facilityDb);
    }

    static Result apply(Map<String, String> env) {
        Map<String, String> processEnv = new HashMap<>(env);
        processEnv.put("CONNECT_URL", worker.endpoint(""));
        processEnv.put("APPLY_WAIT_SECONDS", "60");
        return KitProcess.run(processEnv, "apply-connectors.sh", pgTemplate.toString());
    }

    /** Records in the worker's config topic: every PUT of a connector config adds some. */
    static int configTopicRecords() {
        return worker.consume(Integer.MAX_VALUE, Duration.ofSeconds(4), workerConfig.getProperty("config.storage.topic"))
                .size();
    }

    static JsonNode connectorConfig() {
        return worker.getJson("connectors/" + CONNECTOR + "/config");
    }

    static void awaitRunning() {
        Awaitility.await(CONNECTOR + " running").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            JsonNode status = worker.getJson("connectors/" + CONNECTOR + "/status");
            assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
            assertThat(status.path("tasks").path(0).path("state").asText()).isEqualTo("RUNNING");
        });
    }

    @Test
    @Order(1)
    void theWorkerIdentityCarriesTheFacilityCodeAndNoSecret() {
        for (String key : List.of("group.id", "config.storage.topic", "offset.storage.topic",
                "status.storage.topic")) {
            assertThat(workerConfig.getProperty(key)).as(key).contains(CODE);
        }
        assertThat(workerConfig.getProperty("bootstrap.servers")).isEqualTo("central-kafka-1.example.com:9093");
        assertThat(workerConfig.getProperty("sasl.jaas.config")).contains("username=\"facility-kit\"")
                .contains("password=\"${env:KAFKA_PASS}\"");
        assertThat(workerConfig.getProperty("config.providers")).isEqualTo("env");
        assertThat(workerConfig.values()).as("no secret value in the worker properties")
                .noneMatch(v -> String.valueOf(v).contains("kafka-secret-of-the-kit"));
    }

    @Test
    @Order(2)
    void theEntrypointRefusesAGroupSharedBetweenFacilities() {
        Map<String, String> env = new HashMap<>(dotEnv());
        env.putAll(KitProcess.composeEnvironment(dotEnv()));
        env.put("CONNECT_GROUP_ID", "clinicmaster-connect");
        Result result = KitProcess.run(env, "facility-entrypoint.sh", "--print-worker-config");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("CONNECT_GROUP_ID must contain FACILITY_DHIS2_CODE");
    }

    @Test
    @Order(3)
    void theFirstRunCreatesTheConnectorWithSecretsAsReferences() throws Exception {
        Result result = apply(dotEnv());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo(CONNECTOR + ": created\n");
        awaitRunning();
        JsonNode config = connectorConfig();
        assertThat(config.path("database.hostname").asText()).isEqualTo("localhost");
        assertThat(config.path("database.port").asText()).isEqualTo(String.valueOf(facilityDb.getPort()));
        assertThat(config.path("database.password").asText()).isEqualTo("${env:DB_PASS}");
        assertThat(config.path("transforms.facility.facility.code").asText()).isEqualTo(CODE);
        assertThat(config.path("transforms.facility.facility.name").asText()).isEqualTo("Kit Health Centre III");
        assertThat(config.path("topic.prefix").asText()).as("data topics are shared: no facility code")
                .isEqualTo("clinicmasterwarehouse-sqlserver");

        List<ConsumerRecord<byte[], byte[]>> records = worker.consume(1, Duration.ofSeconds(60),
                "clinicmasterwarehouse-sqlserver.dbo.visits");
        assertThat(records).hasSize(1);
        JsonNode key = ConnectWorker.JSON.readTree(records.get(0).key());
        JsonNode value = ConnectWorker.JSON.readTree(records.get(0).value());
        assertThat(key.path("payload").path("facility_dhis2_code").asText()).isEqualTo(CODE);
        assertThat(value.path("payload").path("facility_name").asText()).isEqualTo("Kit Health Centre III");
    }

    @Test
    @Order(4)
    void aSecondRunChangesNothing() {
        int before = configTopicRecords();

        Result result = apply(dotEnv());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo(CONNECTOR + ": unchanged\n");
        assertThat(configTopicRecords()).as("nothing written to the worker's config topic").isEqualTo(before);
    }

    @Test
    @Order(5)
    void aChangedVariableUpdatesTheConnector() {
        int before = configTopicRecords();
        Map<String, String> env = dotEnv();
        env.put("FACILITY_NAME", "Kit \"Renamed\" Hôpital \\ IV");

        Result result = apply(env);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout())
                .isEqualTo(CONNECTOR + ": updated (changed: transforms.facility.facility.name)\n");
        // The worker serves the new config once the rebalance that the update triggers is over.
        Awaitility.await("updated config served").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(connectorConfig().path("transforms.facility.facility.name").asText())
                        .isEqualTo("Kit \"Renamed\" Hôpital \\ IV"));
        assertThat(configTopicRecords()).isGreaterThan(before);
        awaitRunning();

        Result again = apply(env);
        assertThat(again.stdout()).as("quotes, backslashes and non-ASCII compare equal after a round trip")
                .isEqualTo(CONNECTOR + ": unchanged\n");
    }

    @Test
    @Order(6)
    void anUnsetVariableIsAClearErrorNamingItAndNothingIsApplied() {
        int before = configTopicRecords();
        JsonNode configBefore = connectorConfig();
        Map<String, String> env = dotEnv();
        env.remove("DB_HOST");
        env.put("FACILITY_DHIS2_CODE", "");

        Result result = apply(env);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr())
                .contains("environment variable DB_HOST is not set (needed by database.hostname in "
                        + "facility-postgres-source.json)")
                .contains("environment variable FACILITY_DHIS2_CODE is not set (needed by")
                .contains("transforms.facility.facility.code");
        assertThat(configTopicRecords()).isEqualTo(before);
        assertThat(connectorConfig()).isEqualTo(configBefore);
    }

    @Test
    @Order(7)
    void theSqlServerTemplateRendersNonSecretsLiterallyAndSecretsAsReferences() throws Exception {
        Map<String, String> env = dotEnv();
        env.put("FACILITY_DHIS2_CODE", "12345");
        env.put("FACILITY_NAME", "Kayunga Regional Referral");
        Result result = KitProcess.run(env, "apply-connectors.sh", "--render",
                BuiltZips.projectRoot().resolve("connector-configs/cdc-facility-sqlserver-source.json").toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode config = ConnectWorker.JSON.readTree(result.stdout());
        assertThat(config.path("name").asText()).isEqualTo("clinicmaster-cdc-12345");
        assertThat(config.path("schema.history.internal.kafka.topic").asText()).contains("12345");
        assertThat(config.path("topic.prefix").asText()).isEqualTo("clinicmasterwarehouse-sqlserver");
        assertThat(config.path("database.names").asText()).isEqualTo("postgres");
        assertThat(config.path("database.password").asText()).isEqualTo("${env:DB_PASS}");
        assertThat(config.path("schema.history.internal.producer.sasl.jaas.config").asText())
                .contains("username=\"facility-kit\"").contains("password=\"${env:KAFKA_PASS}\"");
        assertThat(result.stdout()).doesNotContain("not-the-workers-value").doesNotContain("kafka-secret-of-the-kit");
    }

    /**
     * The committed file, unchanged: the worker resolves its ${env:...} references with failsafe's values. The only
     * error allowed is the one from not reaching a database (port 1 on loopback refuses at once).
     */
    @Test
    @Order(8)
    void theSqlServerConfigValidatesWithTheRealConnector() {
        ConnectorFile file = CdcSupport.connectorConfig("cdc-facility-sqlserver-source.json");
        assertThat(file.config().values()).anyMatch(v -> v.contains("${env:"));

        Map<String, String> config = new HashMap<>(file.config());
        config.put("name", file.name()); // as POST /connectors does with the file's top-level name

        ConfigInfos result = worker.validate(SQLSERVER, config);

        assertOnlyUnreachableDatabaseErrors(result);
    }

    /** The same file as the kit renders it (non-secrets literal, secrets still ${env:...}). */
    @Test
    @Order(9)
    void theKitRenderedSqlServerConfigValidatesWithTheRealConnector() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().retainAll(dotEnv().keySet());
        Result rendered = KitProcess.run(env, "apply-connectors.sh", "--render",
                BuiltZips.projectRoot().resolve("connector-configs/cdc-facility-sqlserver-source.json").toString());
        assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
        Map<String, String> config = new HashMap<>();
        ConnectWorker.JSON.readTree(rendered.stdout()).fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));

        // Only addition: the driver's login timeout, so the refused connection is reported in seconds, not 30 s.
        config.put("database.loginTimeout", "2");

        assertOnlyUnreachableDatabaseErrors(worker.validate(SQLSERVER, config));
    }

    static void assertOnlyUnreachableDatabaseErrors(ConfigInfos result) {
        Map<String, List<String>> errors = result.configs().stream()
                .filter(info -> !info.configValue().errors().isEmpty())
                .collect(Collectors.toMap(info -> info.configValue().name(), info -> info.configValue().errors()));
        assertThat(errors).as("validation errors").containsOnlyKeys("database.hostname");
        assertThat(errors.get("database.hostname")).allSatisfy(message ->
                assertThat(message).containsIgnoringCase("unable to connect"));
        assertThat(result.configs()).extracting(ConfigInfo::configValue)
                .filteredOn(v -> v.name().equals("transforms.facility.facility.code")).singleElement()
                .satisfies(v -> assertThat(v.errors()).isEmpty());
    }
}
