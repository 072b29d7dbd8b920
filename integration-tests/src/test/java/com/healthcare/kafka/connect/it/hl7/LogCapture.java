package com.healthcare.kafka.connect.it.hl7;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of the in-process worker (and the plugins in it) from now on, with our packages at
 * TRACE, so a test can assert what never appears in logs.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final LoggerContext context;

    private LogCapture(LoggerContext context) {
        super("hl7-it-capture", null, null, true, Property.EMPTY_ARRAY);
        this.context = context;
    }

    static LogCapture capture() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LogCapture capture = new LogCapture(context);
        capture.start();
        Configuration config = context.getConfiguration();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        LoggerConfig ours = config.getLoggerConfig("com.healthcare");
        if (!ours.getName().equals("com.healthcare")) {
            ours = new LoggerConfig("com.healthcare", Level.TRACE, true);
            config.addLogger("com.healthcare", ours);
        }
        ours.setLevel(Level.TRACE);
        ours.addAppender(capture, Level.ALL, null);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder();
        line.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ")
                .append(event.getMessage().getFormattedMessage());
        Throwable thrown = event.getThrown();
        while (thrown != null) {
            line.append(" | ").append(thrown);
            thrown = thrown.getCause();
        }
        synchronized (lines) {
            lines.add(line.toString());
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        config.getLoggerConfig("com.healthcare").removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
