package com.healthcare.kafka.connect.hl7.validation;

import java.io.IOException;
import java.util.Set;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

import com.healthcare.kafka.connect.hl7.parse.Hl7Message;

/**
 * {@code hl7.validation.enabled}: parses a message with HAPI under its own version and HAPI's default rules
 * (primitive formats, structure). One HAPI context per task, used by the poll thread only; no JVM-wide settings.
 */
public final class HapiValidator implements AutoCloseable {

    /** Versions whose HAPI structures ship in the plugin; other versions are not validated. */
    private static final Set<String> VERSIONS = Set.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8",
            "2.8.1");
    private static final int MAX_FINDINGS_CHARS = 500;

    private final HapiContext context;
    private final PipeParser parser;

    public HapiValidator() {
        this.context = new DefaultHapiContext(ValidationContextFactory.defaultValidation());
        // HAPI's default ID generator writes ./id_file; keep it in memory.
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        this.parser = context.getPipeParser();
    }

    /**
     * Findings, or null when the message is valid (or its version is one HAPI cannot validate here). Findings
     * may quote field values: they go to the sender's ACK and Kafka headers, never to logs.
     */
    public String validate(Hl7Message message) {
        String version = message.version();
        if (version == null || !VERSIONS.contains(version)) {
            return null;
        }
        try {
            parser.parse(message.text());
            return null;
        } catch (HL7Exception e) {
            String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return text.length() > MAX_FINDINGS_CHARS ? text.substring(0, MAX_FINDINGS_CHARS) : text;
        } catch (RuntimeException e) {
            return "The message cannot be parsed: " + e.getClass().getSimpleName();
        }
    }

    @Override
    public void close() {
        try {
            context.close();
        } catch (IOException ignored) {
            // Nothing held that matters.
        }
    }
}
