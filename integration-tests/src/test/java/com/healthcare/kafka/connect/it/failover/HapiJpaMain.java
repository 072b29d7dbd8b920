package com.healthcare.kafka.connect.it.failover;

import java.io.IOException;

import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;

/**
 * Runs HAPI FHIR JPA ({@link JpaFhirServer}, H2 in memory) on a free loopback port in a JVM of its own and prints
 * {@value #READY} and its base URL once it serves. Halts when the test JVM goes away (its stdin, a pipe from the
 * test JVM, reaches EOF), as {@link WorkerMain} does.
 */
public final class HapiJpaMain {

    static final String READY = "HAPI-JPA-READY ";

    private HapiJpaMain() {
    }

    public static void main(String[] args) throws Exception {
        JpaFhirServer server = JpaFhirServer.start(JpaFhirServer.Options.defaults().withPageSize(100));
        System.out.println(READY + server.baseUrl());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // the test JVM never writes; EOF means it is gone
            }
        } catch (IOException e) {
            // the pipe broke: the test JVM is gone as well
        }
        Runtime.getRuntime().halt(137);
    }
}
