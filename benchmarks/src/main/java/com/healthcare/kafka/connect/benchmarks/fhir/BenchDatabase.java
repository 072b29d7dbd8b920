package com.healthcare.kafka.connect.benchmarks.fhir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The database under the benchmark's HAPI FHIR JPA server: its own in-memory H2 (the default), or an embedded
 * PostgreSQL as production HAPI servers run, with durable commits ({@code fsync} and {@code synchronous_commit}
 * on, which the embedded server turns off by default for tests). Binaries and data live under
 * {@code benchmarks/target/}.
 */
final class BenchDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final JpaFhirServer.Database database;

    private BenchDatabase(EmbeddedPostgres postgres, JpaFhirServer.Database database) {
        this.postgres = postgres;
        this.database = database;
    }

    static BenchDatabase h2() {
        return new BenchDatabase(null, null);
    }

    static BenchDatabase postgres() {
        try {
            Path work = Files.createDirectories(Path.of("benchmarks", "target", "embedded-pg"));
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(work.toFile())
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            return new BenchDatabase(pg, JpaFhirServer.Database.postgres(
                    pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's database, or null for its own H2. */
    JpaFhirServer.Database database() {
        return database;
    }

    @Override
    public String toString() {
        return postgres == null ? "H2 in memory" : "PostgreSQL (durable commits)";
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }
}
