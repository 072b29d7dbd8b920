package com.healthcare.kafka.connect.it.fhir.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * The versioned in-memory storage behind the test FHIR server: every write is a new version with a server-assigned
 * {@code meta.versionId} and {@code meta.lastUpdated} (millisecond precision, never going backwards, and - like a
 * real database clock - often shared by several writes), deletes are versions too, and a log of all versions backs
 * {@code _history}. Tests may write with an explicit lastUpdated to build ties.
 */
public final class ResourceStore {

    /** One version of one resource; {@code resource} is null for a delete. */
    public record Version(String type, String id, int versionId, Instant lastUpdated, Resource resource, long seq) {
        public boolean deleted() {
            return resource == null;
        }

        public String key() {
            return type + "/" + id;
        }
    }

    private final List<Version> log = new ArrayList<>();
    private final Map<String, Version> current = new LinkedHashMap<>();
    private final List<Consumer<Version>> listeners = new CopyOnWriteArrayList<>();
    private Instant clock = Instant.EPOCH;
    private long seq;

    public void onWrite(Consumer<Version> listener) {
        listeners.add(listener);
    }

    private Instant now() {
        Instant n = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (n.isBefore(clock)) {
            n = clock;
        }
        clock = n;
        return n;
    }

    public Version put(Resource resource) {
        Version v;
        synchronized (this) {
            v = write(resource, now());
        }
        listeners.forEach(l -> l.accept(v));
        return v;
    }

    /** Writes all with one lastUpdated (as a transaction does). */
    public List<Version> putAll(List<? extends Resource> resources, Instant lastUpdated) {
        List<Version> versions = new ArrayList<>();
        synchronized (this) {
            if (lastUpdated.isAfter(clock)) {
                clock = lastUpdated;
            }
            for (Resource r : resources) {
                versions.add(write(r, lastUpdated));
            }
        }
        versions.forEach(v -> listeners.forEach(l -> l.accept(v)));
        return versions;
    }

    public List<Version> putAll(List<? extends Resource> resources) {
        List<Version> versions = new ArrayList<>();
        synchronized (this) {
            for (Resource r : resources) {
                versions.add(write(r, now()));
            }
        }
        versions.forEach(v -> listeners.forEach(l -> l.accept(v)));
        return versions;
    }

    private Version write(Resource resource, Instant at) {
        String type = resource.fhirType();
        String id = resource.getIdElement().hasIdPart() ? resource.getIdElement().getIdPart()
                : UUID.randomUUID().toString();
        Version previous = current.get(type + "/" + id);
        int vid = previous == null ? 1 : previous.versionId() + 1;
        Resource copy = resource.copy();
        copy.setId(new IdType(type, id, String.valueOf(vid)));
        copy.getMeta().setVersionId(String.valueOf(vid));
        copy.getMeta().setLastUpdatedElement(new InstantType(Date.from(at), TemporalPrecisionEnum.MILLI,
                TimeZone.getTimeZone("UTC")));
        Version v = new Version(type, id, vid, at, copy, ++seq);
        log.add(v);
        current.put(v.key(), v);
        return v;
    }

    public Version delete(String type, String id) {
        Version v;
        synchronized (this) {
            Version previous = current.get(type + "/" + id);
            if (previous == null || previous.deleted()) {
                return null;
            }
            v = new Version(type, id, previous.versionId() + 1, now(), null, ++seq);
            log.add(v);
            current.put(v.key(), v);
        }
        listeners.forEach(l -> l.accept(v));
        return v;
    }

    public synchronized Version current(String type, String id) {
        return current.get(type + "/" + id);
    }

    /** Live resources of a type matching the filter, lastUpdated >= lowerInclusive (if given), by lastUpdated. */
    public synchronized List<Version> search(String type, Instant lowerInclusive, Predicate<Resource> filter) {
        List<Version> result = new ArrayList<>();
        for (Version v : current.values()) {
            if (v.type().equals(type) && !v.deleted() && (lowerInclusive == null
                    || !v.lastUpdated().isBefore(lowerInclusive)) && filter.test(v.resource())) {
                result.add(v);
            }
        }
        result.sort(Comparator.comparing(Version::lastUpdated).thenComparingLong(Version::seq));
        return result;
    }

    /** Every version of a type with lastUpdated >= since, newest first. */
    public synchronized List<Version> history(String type, Instant since) {
        List<Version> result = new ArrayList<>();
        for (int i = log.size() - 1; i >= 0; i--) {
            Version v = log.get(i);
            if (v.type().equals(type) && (since == null || !v.lastUpdated().isBefore(since))) {
                result.add(v);
            }
        }
        return result;
    }

    public synchronized long live(String type) {
        return current.values().stream().filter(v -> v.type().equals(type) && !v.deleted()).count();
    }
}
