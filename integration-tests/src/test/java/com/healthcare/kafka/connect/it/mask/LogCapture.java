package com.healthcare.kafka.connect.it.mask;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects every log line of the in-process broker and worker (plugins log through the worker's SLF4J binding),
 * with our plugins at DEBUG, so a test can search them for PHI.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();

    private LogCapture() {
        super("phi-capture", null, null, true, Property.EMPTY_ARRAY);
    }

    static LogCapture begin() {
        LogCapture capture = new LogCapture();
        capture.start0();
        return capture;
    }

    private void start0() {
        start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.addAppender(this);
        config.getRootLogger().addAppender(this, Level.ALL, null);
        for (LoggerConfig logger : config.getLoggers().values()) {
            logger.addAppender(this, Level.ALL, null);
        }
        context.updateLoggers();
        Configurator.setLevel("com.healthcare", Level.DEBUG);
    }

    @Override
    public synchronized void append(LogEvent event) {
        String line = event.getMessage().getFormattedMessage();
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            line += " | " + t;
        }
        lines.add(line);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        for (LoggerConfig logger : config.getLoggers().values()) {
            logger.removeAppender(getName());
        }
        config.getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
