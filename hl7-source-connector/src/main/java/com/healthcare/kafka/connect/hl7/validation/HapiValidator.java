package com.healthcare.kafka.connect.hl7.validation;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

import com.healthcare.kafka.connect.hl7.parse.Hl7Message;

/**
 * {@code hl7.validation.enabled}: parses a message with HAPI and HAPI's default rules (primitive formats,
 * structure). The plugin zip bundles one version of HAPI's message structures, v2.5.1 (the most deployed v2
 * version, a superset of v2.3 to v2.5): a message of a version whose own structures are not installed is parsed
 * as v2.5.1 (HAPI's canonical-version parsing; HL7 v2 is backward compatible). The optional validation pack adds
 * the structures of v2.3 to v2.8.1, and a message of those versions is then validated under its own version.
 * One HAPI context per mode per task, used by the poll thread only; no JVM-wide settings.
 */
public final class HapiValidator implements AutoCloseable {

    /** The versions HAPI validates; a message of another version (2.1, 2.2, 2.9 ...) is not validated. */
    private static final Set<String> VERSIONS = Set.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8",
            "2.8.1");
    /** The structures the plugin zip bundles. */
    public static final String BUNDLED_VERSION = "2.5.1";
    private static final int MAX_FINDINGS_CHARS = 500;

    private final HapiContext ownVersion;
    private final PipeParser ownVersionParser;
    private final HapiContext canonical;
    private final PipeParser canonicalParser;
    private final Set<String> installed;

    public HapiValidator() {
        this(Set.copyOf(installedVersions(HapiValidator.class.getClassLoader())));
    }

    /** @param installed the versions to validate under their own structures */
    HapiValidator(Set<String> installed) {
        this.installed = installed;
        this.ownVersion = context();
        this.ownVersionParser = ownVersion.getPipeParser();
        this.canonical = context();
        canonical.setModelClassFactory(new CanonicalModelClassFactory(BUNDLED_VERSION));
        this.canonicalParser = canonical.getPipeParser();
    }

    private static HapiContext context() {
        HapiContext context = new DefaultHapiContext(ValidationContextFactory.defaultValidation());
        // HAPI's default ID generator writes ./id_file; keep it in memory.
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        return context;
    }

    /**
     * The versions of {@link #VERSIONS} whose own structures {@code loader} has (the bundled one at least), built
     * on this plugin's hapi-base: a worker whose own class path has other HAPI structures (found through the
     * parent class loader, on another hapi-base) must not make a version look installed.
     */
    static List<String> installedVersions(ClassLoader loader) {
        return VERSIONS.stream().filter(v -> {
            try {
                Class<?> msh = Class.forName("ca.uhn.hl7v2.model.v" + v.replace(".", "") + ".segment.MSH", false,
                        loader);
                return Segment.class.isAssignableFrom(msh);
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }).sorted().toList();
    }

    /** The versions validated under their own structures (the others as v2.5.1). */
    public Set<String> installedVersions() {
        return installed;
    }

    /**
     * Findings, or null when the message is valid (or its version is one HAPI cannot validate). Findings may quote
     * field values: they go to the sender's ACK and Kafka headers, never to logs.
     */
    public String validate(Hl7Message message) {
        String version = message.version();
        if (version == null || !VERSIONS.contains(version)) {
            return null;
        }
        PipeParser parser = installed.contains(version) ? ownVersionParser : canonicalParser;
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
            ownVersion.close();
            canonical.close();
        } catch (IOException ignored) {
            // Nothing held that matters.
        }
    }
}
