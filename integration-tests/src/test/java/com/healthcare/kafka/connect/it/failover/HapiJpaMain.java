package com.healthcare.kafka.connect.it.failover;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;

import com.healthcare.kafka.connect.fhirserver.JpaFhirServer;

/**
 * Runs HAPI FHIR JPA ({@link JpaFhirServer}, H2 in memory) on a free loopback port in a JVM of its own and prints
 * {@value #READY} and its base URL once it serves. Batch2 maintenance (which moves a Bulk Data export from step to
 * step and finishes it) is triggered every second instead of HAPI's default once a minute, so an export of a few
 * thousand resources completes in seconds; the export itself is HAPI's. Halts when the test JVM goes away (its stdin, a pipe from the
 * test JVM, reaches EOF), as {@link WorkerMain} does.
 */
public final class HapiJpaMain {

    static final String READY = "HAPI-JPA-READY ";

    private HapiJpaMain() {
    }

    public static void main(String[] args) throws Exception {
        JpaFhirServer server = JpaFhirServer.start(JpaFhirServer.Options.defaults().withPageSize(100));
        IJobMaintenanceService maintenance = server.bean(IJobMaintenanceService.class);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "batch2-maintenance-trigger");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(maintenance::triggerMaintenancePass, 1, 1, TimeUnit.SECONDS);
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
