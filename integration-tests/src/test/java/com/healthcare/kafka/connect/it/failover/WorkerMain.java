package com.healthcare.kafka.connect.it.failover;

import java.io.IOException;

import org.apache.kafka.connect.cli.ConnectDistributed;

/**
 * {@code ConnectDistributed} that halts when the test JVM goes away: its stdin is a pipe from the test JVM, which
 * the kernel closes when that JVM dies however it dies, so a crashed or timed-out test run leaves no orphan
 * worker on a shared machine.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test JVM never writes; EOF means it is gone
                }
            } catch (IOException e) {
                // the pipe broke: the test JVM is gone as well
            }
            Runtime.getRuntime().halt(137);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        ConnectDistributed.main(args);
    }
}
