package com.healthcare.kafka.connect.fhirserver;

import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.binary.provider.BinaryAccessProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;

/**
 * A real HAPI FHIR JPA server (R4) in this JVM: H2 in memory or in a folder, the REST API at
 * {@code http://<host>:<port>/fhir} on Jetty 12 ee10, search paging from the database, history, transactions,
 * and HAPI's own rest-hook subscription matcher and delivery. One {@link #start()} call; {@link #close()} stops
 * everything. For tests, the sandbox and the benchmarks only: never packaged into a plugin zip.
 */
public final class JpaFhirServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JpaFhirServer.class);

    /**
     * The relational database HAPI JPA stores into, when it is not its own H2 ({@link Options#dataDir()}).
     *
     * @param jdbcUrl its JDBC URL; the driver must be on the class path
     * @param dialect HAPI's Hibernate dialect for it, e.g. {@link #POSTGRES_DIALECT}
     */
    public record Database(String jdbcUrl, String user, String password, String dialect) {
        public static final String POSTGRES_DIALECT = "ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect";

        public Database {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(dialect, "dialect");
        }

        /** A PostgreSQL database (the database most HAPI FHIR JPA servers in production run on). */
        public static Database postgres(String jdbcUrl, String user, String password) {
            return new Database(jdbcUrl, user, password, POSTGRES_DIALECT);
        }

        @Override
        public String toString() {
            return jdbcUrl; // never the password
        }
    }

    /**
     * How to run the server.
     *
     * @param bindAddress the address Jetty binds (loopback by default)
     * @param port the port, 0 for a free random one
     * @param dataDir where H2 keeps its files; null keeps the database in memory (gone at {@link #close()})
     * @param pageSize the default search page size (HAPI's {@code _count} default)
     * @param database another database than H2 (then {@code dataDir} is unused); null for H2
     */
    public record Options(String bindAddress, int port, Path dataDir, int pageSize, Database database) {
        public Options {
            Objects.requireNonNull(bindAddress, "bindAddress");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize " + pageSize);
            }
        }

        public Options(String bindAddress, int port, Path dataDir, int pageSize) {
            this(bindAddress, port, dataDir, pageSize, null);
        }

        public static Options defaults() {
            return new Options("127.0.0.1", 0, null, 20);
        }

        public Options withPort(int newPort) {
            return new Options(bindAddress, newPort, dataDir, pageSize, database);
        }

        public Options withBindAddress(String address) {
            return new Options(address, port, dataDir, pageSize, database);
        }

        public Options withDataDir(Path dir) {
            return new Options(bindAddress, port, dir, pageSize, database);
        }

        public Options withPageSize(int size) {
            return new Options(bindAddress, port, dataDir, size, database);
        }

        public Options withDatabase(Database db) {
            return new Options(bindAddress, port, dataDir, pageSize, db);
        }

        String jdbcUrl() {
            if (database != null) {
                return database.jdbcUrl();
            }
            if (dataDir == null) {
                // a fresh database per server: several servers in one JVM never share data
                return "jdbc:h2:mem:hapi-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            }
            return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("hapi-fhir") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
    }

    private final AnnotationConfigApplicationContext spring;
    private final Server jetty;
    private final String baseUrl;
    private final long startupMillis;
    private final DeliveryLog deliveries;

    private JpaFhirServer(AnnotationConfigApplicationContext spring, Server jetty, String baseUrl,
                          long startupMillis, DeliveryLog deliveries) {
        this.deliveries = deliveries;
        this.spring = spring;
        this.jetty = jetty;
        this.baseUrl = baseUrl;
        this.startupMillis = startupMillis;
    }

    /** An in-memory server on a free loopback port. */
    public static JpaFhirServer start() {
        return start(Options.defaults());
    }

    public static JpaFhirServer start(Options options) {
        long t0 = System.nanoTime();
        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
        Server jetty = null;
        try {
            spring.registerBean(Options.class, () -> options);
            spring.register(JpaServerConfig.class);
            spring.refresh();

            DeliveryLog deliveries = new DeliveryLog();
            spring.getBean(IInterceptorService.class).registerInterceptor(deliveries);
            RestfulServer rest = restfulServer(spring, options);
            jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost(options.bindAddress());
            connector.setPort(options.port());
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            ServletHolder holder = new ServletHolder("fhir", rest);
            holder.setInitOrder(1);
            context.addServlet(holder, "/fhir/*");
            jetty.setHandler(context);
            jetty.start();
            String host = options.bindAddress().equals("0.0.0.0") ? "localhost" : options.bindAddress();
            String base = "http://" + host + ":" + connector.getLocalPort() + "/fhir";
            long ms = (System.nanoTime() - t0) / 1_000_000;
            LOG.info("HAPI FHIR JPA server at {} (started in {} ms, data {})", base, ms,
                    options.database() != null ? options.database()
                            : options.dataDir() == null ? "in memory" : options.dataDir());
            return new JpaFhirServer(spring, jetty, base, ms, deliveries);
        } catch (Exception | Error e) {
            stopQuietly(jetty);
            spring.close();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("HAPI FHIR JPA server did not start: " + e, e);
        }
    }

    private static RestfulServer restfulServer(AnnotationConfigApplicationContext spring, Options options) {
        FhirContext fhir = spring.getBean(FhirContext.class);
        RestfulServer rest = new RestfulServer(fhir);
        rest.registerProviders(spring.getBean(ResourceProviderFactory.class).createProviders());
        rest.registerProvider(spring.getBean(JpaSystemProvider.class));
        // Bulk Data $export (system, Patient, Group) and the Binary reads its NDJSON files are served by
        rest.registerProvider(spring.getBean(BulkDataExportProvider.class));
        rest.registerProvider(spring.getBean(BinaryAccessProvider.class));
        DatabaseBackedPagingProvider paging = spring.getBean(DatabaseBackedPagingProvider.class);
        paging.setDefaultPageSize(options.pageSize());
        rest.setPagingProvider(paging);
        rest.setDefaultResponseEncoding(EncodingEnum.JSON);
        IFhirSystemDao<?, ?> systemDao = spring.getBean(IFhirSystemDao.class);
        rest.setServerConformanceProvider(new JpaCapabilityStatementProvider(rest, systemDao,
                spring.getBean(JpaStorageSettings.class), spring.getBean(ISearchParamRegistry.class),
                spring.getBean(IValidationSupport.class)));
        return rest;
    }

    /** The FHIR base URL, e.g. {@code http://127.0.0.1:41234/fhir}. */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** Every rest-hook delivery attempt of HAPI's subscription delivery, with its outcome. */
    public DeliveryLog deliveries() {
        return deliveries;
    }

    /** A bean of the running server's Spring context (a DAO, the interceptor service...), for tests. */
    public <T> T bean(Class<T> type) {
        return spring.getBean(type);
    }

    /** How long {@link #start()} took. */
    public long startupMillis() {
        return startupMillis;
    }

    @Override
    public void close() {
        stopQuietly(jetty);
        spring.close();
    }

    private static void stopQuietly(Server jetty) {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("Stopping Jetty failed: {}", e.toString());
        }
    }
}
