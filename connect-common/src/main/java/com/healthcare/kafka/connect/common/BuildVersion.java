package com.healthcare.kafka.connect.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The plugin's own version, read from a {@code build.version} resource that Maven filters at build time and
 * places in the package of the anchor class (Debezium's approach). Never Kafka's {@code AppInfoParser}: that
 * reports the worker's Kafka version, not ours.
 */
public final class BuildVersion {

    static final String RESOURCE = "build.version";
    static final String UNKNOWN = "unknown";

    private BuildVersion() {
    }

    /** Reads {@code version} from {@code build.version} next to {@code anchor}; "unknown" if absent. */
    public static String of(Class<?> anchor) {
        try (InputStream in = anchor.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties props = new Properties();
            props.load(in);
            String version = props.getProperty("version", "").trim();
            return version.isEmpty() || version.startsWith("${") ? UNKNOWN : version;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE + " of " + anchor.getName(), e);
        }
    }
}
