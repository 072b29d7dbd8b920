package com.healthcare.kafka.connect.it.cdc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.BuiltZips;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Shared pieces of the CDC ITs: Debezium's plugin directory, the committed configs, real PostgreSQL. */
final class CdcSupport {

    private CdcSupport() {
    }

    /** Debezium's plugin archives, unpacked by the build (never on the test classpath). */
    static Path debeziumPlugins() {
        String dir = System.getProperty("healthcare.debezium.plugins.dir");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("healthcare.debezium.plugins.dir is not set: run through Maven failsafe");
        }
        Path path = Path.of(dir);
        for (String plugin : List.of("debezium-connector-postgres", "debezium-connector-jdbc",
                "debezium-connector-sqlserver")) {
            if (!Files.isDirectory(path.resolve(plugin))) {
                throw new IllegalStateException(plugin + " is not unpacked in " + path);
            }
        }
        return path;
    }

    /** A committed ready-to-POST config of connector-configs/: its name and its config map. */
    record ConnectorFile(String name, Map<String, String> config) {
    }

    static ConnectorFile connectorConfig(String file) {
        Path path = BuiltZips.projectRoot().resolve("connector-configs").resolve(file);
        try {
            JsonNode json = ConnectWorker.JSON.readTree(path.toFile());
            Map<String, String> config = new LinkedHashMap<>();
            json.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            return new ConnectorFile(json.get("name").asText(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real PostgreSQL with logical decoding on (Debezium's pgoutput plugin is built in since PostgreSQL 10). */
    static EmbeddedPostgres startPostgres(boolean logical) {
        try {
            // Unpack the PostgreSQL binaries under target/ on every build: a copy left in the machine's temp
            // folder by an earlier run once hid a broken install (commons-compress needing a newer commons-lang3).
            Path binaries = BuiltZips.workDir().resolve("embedded-pg");
            Files.createDirectories(binaries);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(binaries.toFile());
            if (logical) {
                builder.setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "4")
                        .setServerConfig("max_wal_senders", "4");
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sql(EmbeddedPostgres pg, String... statements) {
        try (Connection connection = pg.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of a query as column-name maps (an unknown table gives no rows, so waits can poll early). */
    static List<Map<String, Object>> query(EmbeddedPostgres pg, String sql) {
        try (Connection connection = pg.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "42703".equals(e.getSQLState())) {
                return List.of();
            }
            throw new IllegalStateException(e);
        }
    }

    static String jdbcUrl(EmbeddedPostgres pg) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // best effort in @AfterAll; the next resource must still be closed
        }
    }
}
