package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.time.ZoneId;
import java.util.Locale;

/** Per-instance conversion options (from the transform's config). Immutable. */
public final class ConversionSettings {

    /** FHIR Bundle.type values this converter writes. */
    public enum BundleType {
        TRANSACTION, BATCH, COLLECTION, MESSAGE;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean hasRequests() {
            return this == TRANSACTION || this == BATCH;
        }

        public static BundleType of(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final BundleType bundleType;
    private final ZoneId zone;
    private final String localSystemPrefix;
    private final boolean provenance;

    public ConversionSettings(BundleType bundleType, ZoneId zone, String localSystemPrefix, boolean provenance) {
        this.bundleType = bundleType;
        this.zone = zone;
        this.localSystemPrefix = localSystemPrefix;
        this.provenance = provenance;
    }

    public static ConversionSettings defaults() {
        return new ConversionSettings(BundleType.TRANSACTION, ZoneId.of("UTC"), "urn:id:", true);
    }

    public BundleType bundleType() {
        return bundleType;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Prefix of the URI given to assigning authorities and coding systems without a known URI. */
    public String localSystemPrefix() {
        return localSystemPrefix;
    }

    public boolean provenance() {
        return provenance;
    }

    public ConversionSettings withBundleType(BundleType type) {
        return new ConversionSettings(type, zone, localSystemPrefix, provenance);
    }

    public ConversionSettings withZone(ZoneId z) {
        return new ConversionSettings(bundleType, z, localSystemPrefix, provenance);
    }
}
