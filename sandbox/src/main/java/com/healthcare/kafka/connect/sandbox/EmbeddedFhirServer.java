package com.healthcare.kafka.connect.sandbox;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;

/**
 * The sandbox's HAPI FHIR JPA server: started on its own thread alongside Kafka and the worker (it is the slowest
 * of the three to start), its H2 files in the data folder so its resources survive a restart.
 */
final class EmbeddedFhirServer implements AutoCloseable {

    private final CompletableFuture<JpaFhirServer> starting;
    private final String baseUrl;

    private EmbeddedFhirServer(CompletableFuture<JpaFhirServer> starting, String baseUrl) {
        this.starting = starting;
        this.baseUrl = baseUrl;
    }

    static EmbeddedFhirServer startAsync(String host, int port, Path dataDir) {
        JpaFhirServer.Options options = JpaFhirServer.Options.defaults().withBindAddress(host).withPort(port)
                .withDataDir(dataDir);
        CompletableFuture<JpaFhirServer> future = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                future.complete(JpaFhirServer.start(options));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "sandbox-fhir-server-start");
        starter.setDaemon(true);
        starter.start();
        return new EmbeddedFhirServer(future, "http://localhost:" + port + "/fhir");
    }

    /** The base URL users (and the sandbox connector configs) reach it at. */
    String baseUrl() {
        return baseUrl;
    }

    /** Waits until it serves requests; a failed start becomes a message for the user. */
    JpaFhirServer await() {
        try {
            return starting.join();
        } catch (CompletionException e) {
            throw new Sandbox.SandboxException("the embedded HAPI FHIR JPA server did not start: "
                    + e.getCause().getMessage() + " (see the log in the data folder; --no-fhir-server skips it)");
        }
    }

    @Override
    public void close() {
        // now if it is up; if it is still starting, as soon as it is (the JVM is on its way out)
        starting.thenAccept(JpaFhirServer::close);
    }
}
