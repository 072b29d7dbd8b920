package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.io.IOException;
import java.io.InputStream;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * Resolves a sender's unit to a valid UCUM code: known non-UCUM spellings first go through the ucum-units table
 * (so "K/uL" becomes 10*3/uL instead of being read as kelvin per microlitre), then the result must parse as UCUM.
 * Results are cached in a bounded LRU; the UCUM model is read-only, so this is thread-safe.
 */
final class UcumUnits {

    private static final String NOT_UCUM = "";

    private final UcumEssenceService ucum;
    private final MappingTables tables;
    private final Cache<String, String> cache = new SynchronizedCache<>(new LRUCache<>(2048));

    UcumUnits(MappingTables tables) {
        this.tables = tables;
        try (InputStream in = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
            if (in == null) {
                throw new IllegalStateException("ucum-essence.xml is missing from the classpath");
            }
            this.ucum = new UcumEssenceService(in);
        } catch (IOException | UcumException e) {
            throw new IllegalStateException("cannot load the UCUM definitions", e);
        }
    }

    /** The UCUM code for {@code unit}, or null when it has none. */
    String code(String unit) {
        if (unit == null || unit.isEmpty()) {
            return null;
        }
        String cached = cache.get(unit);
        if (cached == null) {
            cached = resolve(unit);
            cache.put(unit, cached);
        }
        return cached.isEmpty() ? null : cached;
    }

    private String resolve(String unit) {
        String candidate = tables.ucumSynonym(unit);
        if (candidate == null) {
            candidate = unit;
        }
        for (int i = 0; i < candidate.length(); i++) {
            if (Character.isWhitespace(candidate.charAt(i))) {
                return NOT_UCUM;
            }
        }
        try {
            return ucum.validate(candidate) == null ? candidate : NOT_UCUM;
        } catch (RuntimeException e) {
            return NOT_UCUM;
        }
    }
}
