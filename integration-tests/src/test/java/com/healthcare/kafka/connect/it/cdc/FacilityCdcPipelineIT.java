package com.healthcare.kafka.connect.it.cdc;

import static com.healthcare.kafka.connect.it.cdc.CdcSupport.closeQuietly;
import static com.healthcare.kafka.connect.it.cdc.CdcSupport.query;
import static com.healthcare.kafka.connect.it.cdc.CdcSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.cdc.CdcSupport.ConnectorFile;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Seed 002's multi-facility pipeline end to end, with PostgreSQL standing in for the facilities' SQL Servers (none
 * can run here) and everything else real: two facility databases holding the same table with the same primary-key
 * values, one Debezium PostgreSQL source per facility (ExtractNewRecordState + FacilityMetadata, settings taken from
 * connector-configs/cdc-facility-sqlserver-source.json) writing to shared topics, and the Debezium JDBC sink of
 * connector-configs/cdc-warehouse-jdbc-sink.json upserting into a warehouse PostgreSQL. Debezium runs from the
 * worker's plugin.path (its published plugin archives), our SMT from the built zip.
 *
 * <p>Facility A runs the configured order (unwrap, then FacilityMetadata on the flat row); facility B puts
 * FacilityMetadata first, so the SMT's Debezium-envelope path is proven on real change events too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FacilityCdcPipelineIT {

    static final String TOPIC_PREFIX = "clinicmasterwarehouse-sqlserver.ClinicMasterMOH";
    static final String TOPIC = TOPIC_PREFIX + ".dbo.visits";

    static final Facility A = new Facility("FAC-A", "Alpha Health Centre IV", "unwrap,facility");
    static final Facility B = new Facility("FAC-B", "Bravo \"Regional\" Referral", "facility,unwrap");

    static EmbeddedPostgres warehouse;
    static ConnectWorker worker;

    record Facility(String code, String name, String transforms) {
        static final Map<String, EmbeddedPostgres> DATABASES = new HashMap<>();

        EmbeddedPostgres db() {
            return DATABASES.get(code);
        }

        String connector() {
            return "clinicmaster-cdc-" + code;
        }
    }

    @BeforeAll
    static void startPipeline() {
        for (Facility facility : List.of(A, B)) {
            EmbeddedPostgres db = CdcSupport.startPostgres(true);
            Facility.DATABASES.put(facility.code(), db);
            // The same table and the same primary-key values in both facilities: what collides without the stamp.
            sql(db, "CREATE SCHEMA dbo",
                    "CREATE TABLE dbo.visits (id integer PRIMARY KEY, patient_name text NOT NULL, "
                            + "visit_date date, ward text)",
                    "INSERT INTO dbo.visits VALUES (1, '" + facility.code() + " patient one', '2024-01-15', 'OPD'), "
                            + "(2, '" + facility.code() + " patient two', '2024-01-16', 'ER')");
        }
        warehouse = CdcSupport.startPostgres(false);

        worker = ConnectWorker.start("cdc-pipeline", Map.of(), CdcSupport.debeziumPlugins());

        for (Facility facility : List.of(A, B)) {
            worker.startConnector(facility.connector(), postgresSource(facility), 1);
        }
        // The sink subscribes by regex, and a consumer only looks for new matching topics every
        // metadata.max.age.ms (5 minutes by default): start it once the snapshots have made the shared topic.
        await("the shared topic made by the snapshots").until(() -> topicExists(TOPIC));

        ConnectorFile sink = CdcSupport.connectorConfig("cdc-warehouse-jdbc-sink.json");
        Map<String, String> sinkConfig = new HashMap<>(sink.config());
        // The file takes these from ${env:...} on the central worker; here they are the embedded warehouse's.
        sinkConfig.put("connection.url", CdcSupport.jdbcUrl(warehouse));
        sinkConfig.put("connection.username", "postgres");
        sinkConfig.put("connection.password", "postgres");
        // One broker here; the file asks for 3 replicas of the dead-letter topic.
        sinkConfig.put("errors.deadletterqueue.topic.replication.factor", "1");
        worker.startConnector(sink.name(), sinkConfig, 1);
    }

    static boolean topicExists(String topic) throws Exception {
        try (Admin admin = worker.kafka().createAdminClient()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        }
    }

    /**
     * The committed SQL Server facility config, turned into its PostgreSQL twin: the database settings change,
     * everything that makes the pipeline (shared topic naming, snapshot, heartbeat, converters, transforms, error
     * handling) is the file's own.
     */
    static Map<String, String> postgresSource(Facility facility) {
        Map<String, String> config = new HashMap<>(CdcSupport.connectorConfig("cdc-facility-sqlserver-source.json")
                .config());
        config.keySet().removeIf(key -> key.startsWith("database.") || key.startsWith("schema.history."));
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("database.hostname", "localhost");
        config.put("database.port", String.valueOf(facility.db().getPort()));
        config.put("database.user", "postgres");
        config.put("database.password", "postgres");
        config.put("database.dbname", "postgres");
        config.put("plugin.name", "pgoutput");
        config.put("publication.autocreate.mode", "filtered");
        // SQL Server topics are <prefix>.<database>.<schema>.<table>; PostgreSQL's lack the database part, so the
        // prefix carries it and the sink's topic regex and table routing apply unchanged.
        config.put("topic.prefix", TOPIC_PREFIX);
        config.put("custom.metric.tags", "facility=" + facility.code());
        config.put("transforms", facility.transforms());
        config.put("transforms.facility.facility.code", facility.code());
        config.put("transforms.facility.facility.name", facility.name());
        assertThat(config).as("every ${env:...} of the file is replaced").allSatisfy((key, value) ->
                assertThat(value).doesNotContain("${env:"));
        return config;
    }

    @AfterAll
    static void stop() {
        closeQuietly(worker);
        closeQuietly(warehouse);
        Facility.DATABASES.values().forEach(CdcSupport::closeQuietly);
    }

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500));
    }

    /** Warehouse rows keyed "id/facility" -> column values. */
    static Map<String, Map<String, Object>> warehouseRows() {
        Map<String, Map<String, Object>> rows = new HashMap<>();
        for (Map<String, Object> row : query(warehouse, "SELECT * FROM public.visits")) {
            rows.put(row.get("id") + "/" + row.get("facility_dhis2_code"), row);
        }
        return rows;
    }

    @Test
    @Order(1)
    void snapshotsOfBothFacilitiesLandSideBySideUnderACompositeKey() {
        await("the snapshot rows of both facilities in the warehouse").untilAsserted(() ->
                assertThat(warehouseRows()).containsOnlyKeys("1/FAC-A", "2/FAC-A", "1/FAC-B", "2/FAC-B"));

        Map<String, Map<String, Object>> rows = warehouseRows();
        assertThat(rows.get("1/FAC-A")).containsEntry("patient_name", "FAC-A patient one")
                .containsEntry("facility_name", A.name());
        assertThat(rows.get("1/FAC-B")).containsEntry("patient_name", "FAC-B patient one")
                .containsEntry("facility_name", B.name());

        List<Map<String, Object>> primaryKey = query(warehouse,
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                        + "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'public.visits'::regclass "
                        + "AND i.indisprimary");
        assertThat(primaryKey).extracting(r -> r.get("attname"))
                .as("the sink's primary key comes from the stamped record key")
                .containsExactlyInAnyOrder("id", "facility_dhis2_code");
    }

    @Test
    @Order(2)
    void keysOnTheSharedTopicCarryTheFacilityCode() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = worker.consume(4, Duration.ofSeconds(60), TOPIC);
        assertThat(records).hasSizeGreaterThanOrEqualTo(4);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode key = ConnectWorker.JSON.readTree(record.key());
            assertThat(key.path("schema").path("name").asText()).isEqualTo(TOPIC + ".Key");
            assertThat(key.path("payload").path("facility_dhis2_code").asText()).isIn("FAC-A", "FAC-B");
            assertThat(key.path("payload").has("facility_name")).as("the name stays out of the key").isFalse();
        }
    }

    @Test
    @Order(3)
    void insertsUpdatesAndDeletesOfEachFacilityTouchOnlyItsOwnRows() {
        sql(A.db(), "INSERT INTO dbo.visits VALUES (3, 'FAC-A patient three', '2024-02-01', 'ICU')",
                "UPDATE dbo.visits SET ward = 'MATERNITY' WHERE id = 1",
                "DELETE FROM dbo.visits WHERE id = 2");
        sql(B.db(), "UPDATE dbo.visits SET patient_name = 'FAC-B patient one, renamed' WHERE id = 1",
                "INSERT INTO dbo.visits VALUES (3, 'FAC-B patient three', '2024-02-02', 'OPD')");

        await("the changes of both facilities in the warehouse").untilAsserted(() -> {
            Map<String, Map<String, Object>> rows = warehouseRows();
            assertThat(rows).containsOnlyKeys("1/FAC-A", "3/FAC-A", "1/FAC-B", "2/FAC-B", "3/FAC-B");
            assertThat(rows.get("1/FAC-A")).containsEntry("ward", "MATERNITY");
            assertThat(rows.get("1/FAC-B")).containsEntry("patient_name", "FAC-B patient one, renamed");
        });

        Map<String, Map<String, Object>> rows = warehouseRows();
        assertThat(rows.get("1/FAC-A")).as("B's update did not touch A's row with the same id")
                .containsEntry("patient_name", "FAC-A patient one");
        assertThat(rows.get("1/FAC-B")).as("A's update did not touch B's row with the same id")
                .containsEntry("ward", "OPD");
        assertThat(rows.get("2/FAC-B")).as("A's delete did not remove B's row with the same id")
                .containsEntry("patient_name", "FAC-B patient two");
        assertThat(rows.get("3/FAC-A")).containsEntry("patient_name", "FAC-A patient three")
                .containsEntry("facility_name", A.name());
        assertThat(rows.get("3/FAC-B")).containsEntry("patient_name", "FAC-B patient three")
                .containsEntry("facility_name", B.name());
    }

    @Test
    @Order(4)
    void aColumnAddedInOneFacilityFlowsThroughAndTheOtherKeepsWorking() {
        sql(A.db(), "ALTER TABLE dbo.visits ADD COLUMN triage_level text",
                "INSERT INTO dbo.visits VALUES (4, 'FAC-A patient four', '2024-03-01', 'ER', 'red')",
                "UPDATE dbo.visits SET triage_level = 'green' WHERE id = 1");

        await("the new column and its values in the warehouse").untilAsserted(() -> {
            Map<String, Map<String, Object>> rows = warehouseRows();
            assertThat(rows.get("4/FAC-A")).isNotNull().containsEntry("triage_level", "red");
            assertThat(rows.get("1/FAC-A")).containsEntry("triage_level", "green");
        });
        assertThat(warehouseRows().get("1/FAC-B")).as("the other facility's rows have no value for it")
                .containsEntry("triage_level", null);

        // Facility B still sends rows without the column; the evolved table takes them.
        sql(B.db(), "INSERT INTO dbo.visits VALUES (5, 'FAC-B patient five', '2024-03-02', 'OPD')",
                "DELETE FROM dbo.visits WHERE id = 3");
        await("facility B's changes after A's schema change").untilAsserted(() -> {
            Map<String, Map<String, Object>> rows = warehouseRows();
            assertThat(rows).containsKey("5/FAC-B").doesNotContainKey("3/FAC-B").containsKey("3/FAC-A");
        });

        for (Facility facility : List.of(A, B)) {
            assertThat(worker.getJson("connectors/" + facility.connector() + "/status").path("tasks").get(0)
                    .path("state").asText()).as("task of %s", facility.code()).isEqualTo("RUNNING");
        }
        assertThat(worker.getJson("connectors/clinicmaster-warehouse-jdbc-sink/status").path("tasks").get(0)
                .path("state").asText()).isEqualTo("RUNNING");
        assertThat(worker.consume(1, Duration.ofSeconds(5), "sink-dlq"))
                .as("no record was dead-lettered along the way").isEmpty();
    }
}
