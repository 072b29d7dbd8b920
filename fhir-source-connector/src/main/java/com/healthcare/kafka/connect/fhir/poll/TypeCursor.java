package com.healthcare.kafka.connect.fhir.poll;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig;
import com.healthcare.kafka.connect.fhir.client.BundleReader.ResourceInfo;

/**
 * Where one resource type stands; its {@link #toOffset()} is the source offset of the type.
 *
 * <ul>
 *   <li>Search: the watermark (the newest {@code meta.lastUpdated} emitted, as the server wrote it, full
 *   precision) and the keys ({@code id/versionId}) already emitted at exactly that instant. The next search asks
 *   for {@code _lastUpdated=ge<watermark>} and skips those keys, so neither a page boundary inside one instant nor
 *   a restart repeats or skips a change. The version in the key lets a second update within the same instant
 *   through.</li>
 *   <li>Notifications: keys emitted from subscription notifications that the search has not reached yet, with
 *   their lastUpdated; the search skips them once and they are pruned when the watermark passes them.</li>
 *   <li>Deletes: the {@code _since} of the next _history read (the server's time of the previous read) and the
 *   delete entries that read emitted, which the overlap may show again.</li>
 * </ul>
 * The notified keys are bounded ({@link #NOTIFIED_MAX_CHARS}), so the offset stays far below the worker's 1 MB
 * offset record however far notifications run ahead of polling. Past {@link #NOTIFIED_SOFT_CHARS} the owner asks
 * for a search, which passes them and prunes them. Past the hard bound the oldest entry is forgotten. That keeps
 * correctness: the set only ever turns an EMIT into a SKIP (for a version already emitted), and the watermark and
 * the ids at it, which decide what the search may skip otherwise, are untouched; so forgetting an entry can make
 * the search emit that version a second time (counted in {@link #evictedNotified()}), never skip a change.
 * <p>
 * Not thread-safe: the owner serializes access (one lock per type).
 */
public final class TypeCursor {

    static final String WATERMARK = "wm";
    static final String IDS = "ids";
    static final String NOTIFIED = "notified";
    static final String DELETE_SINCE = "dsince";
    static final String DELETE_SEEN = "dseen";
    static final String FORMAT = "v";

    /** Above this many characters of notified keys, a search should run to prune them. */
    public static final int NOTIFIED_SOFT_CHARS = 32 * 1024;
    /** The notified keys never take more than this many characters of the offset (about 1,000 UUID keys). */
    public static final int NOTIFIED_MAX_CHARS = 64 * 1024;

    /** What to do with a resource the search or a notification returned. */
    public enum Decision { EMIT, SKIP }

    private String watermarkText;
    private Instant watermark;
    private final Set<String> idsAtWatermark = new LinkedHashSet<>();
    private final Map<String, Instant> notified = new LinkedHashMap<>();
    private long notifiedChars;
    private long evictedNotified;
    private String deleteSince;
    private final Set<String> deleteSeen = new LinkedHashSet<>();

    /** A cursor from a stored offset, or from {@code since} (may be null) when there is none. */
    public static TypeCursor restore(Map<String, Object> offset, String since) {
        TypeCursor cursor = new TypeCursor();
        if (offset == null || offset.isEmpty()) {
            if (since != null) {
                cursor.watermarkText = since;
                cursor.watermark = FhirSourceConnectorConfig.parseInstant(since);
                cursor.deleteSince = since;
            }
            return cursor;
        }
        String wm = string(offset.get(WATERMARK));
        if (!wm.isEmpty()) {
            cursor.watermarkText = wm;
            cursor.watermark = FhirSourceConnectorConfig.parseInstant(wm);
        }
        cursor.idsAtWatermark.addAll(split(string(offset.get(IDS))));
        for (String entry : split(string(offset.get(NOTIFIED)))) {
            int at = entry.lastIndexOf('@');
            if (at > 0) {
                cursor.remember(entry.substring(0, at), FhirSourceConnectorConfig.parseInstant(entry.substring(at + 1)));
            }
        }
        String ds = string(offset.get(DELETE_SINCE));
        cursor.deleteSince = ds.isEmpty() ? null : ds;
        cursor.deleteSeen.addAll(split(string(offset.get(DELETE_SEEN))));
        return cursor;
    }

    /** The source offset: primitives only, as Connect requires. */
    public Map<String, Object> toOffset() {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put(FORMAT, 1);
        offset.put(WATERMARK, watermarkText == null ? "" : watermarkText);
        offset.put(IDS, String.join(",", idsAtWatermark));
        StringBuilder n = new StringBuilder();
        for (Map.Entry<String, Instant> e : notified.entrySet()) {
            if (n.length() > 0) {
                n.append(',');
            }
            n.append(e.getKey()).append('@').append(e.getValue());
        }
        offset.put(NOTIFIED, n.toString());
        offset.put(DELETE_SINCE, deleteSince == null ? "" : deleteSince);
        offset.put(DELETE_SEEN, String.join(",", deleteSeen));
        return offset;
    }

    /** The key that identifies one version of a resource. */
    public static String key(ResourceInfo resource) {
        return resource.versionId() == null || resource.versionId().isEmpty()
                ? resource.id() : resource.id() + "/" + resource.versionId();
    }

    /**
     * A resource from the search, in _lastUpdated order. Advances the watermark past it either way; EMIT unless it
     * was emitted before (at the watermark instant, older than the watermark, or by a notification).
     *
     * @param lastUpdated the parsed {@code meta.lastUpdated}; null when the server sent none
     */
    public Decision searched(ResourceInfo resource, Instant lastUpdated) {
        String key = key(resource);
        if (lastUpdated == null) {
            return Decision.EMIT; // cannot be ordered; the caller warns
        }
        if (watermark != null) {
            int cmp = lastUpdated.compareTo(watermark);
            if (cmp < 0 || (cmp == 0 && idsAtWatermark.contains(key))) {
                return Decision.SKIP;
            }
        }
        boolean alreadyNotified = forget(key);
        advance(resource.lastUpdated(), lastUpdated, key);
        return alreadyNotified ? Decision.SKIP : Decision.EMIT;
    }

    /**
     * A resource from a search that began at {@code horizon} (the server's time of the search, null if unknown).
     * A resource changed after that is out of the search's order: HAPI JPA pages a snapshot of ids but renders each
     * page's resources as they are when the page is read, so a later page can show a change newer than changes the
     * earlier pages showed in their old version. Advancing the watermark to it would skip those changes; it is
     * emitted like a notified resource instead, and the next search (from a watermark within the horizon) finds the
     * skipped changes and skips this one.
     */
    public Decision searched(ResourceInfo resource, Instant lastUpdated, Instant horizon) {
        if (lastUpdated != null && horizon != null && lastUpdated.isAfter(horizon)) {
            return notified(resource, lastUpdated);
        }
        return searched(resource, lastUpdated);
    }

    /** A resource from a notification: EMIT (and remember it for the search) unless already emitted. */
    public Decision notified(ResourceInfo resource, Instant lastUpdated) {
        String key = key(resource);
        if (watermark != null) {
            int cmp = lastUpdated.compareTo(watermark);
            if (cmp < 0 || (cmp == 0 && idsAtWatermark.contains(key))) {
                return Decision.SKIP;
            }
        }
        if (notified.containsKey(key)) {
            return Decision.SKIP;
        }
        remember(key, lastUpdated);
        return Decision.EMIT;
    }

    private void remember(String key, Instant lastUpdated) {
        notified.put(key, lastUpdated);
        notifiedChars += chars(key, lastUpdated);
        Iterator<Map.Entry<String, Instant>> oldest = notified.entrySet().iterator();
        while (notifiedChars > NOTIFIED_MAX_CHARS && oldest.hasNext()) {
            Map.Entry<String, Instant> e = oldest.next();
            notifiedChars -= chars(e.getKey(), e.getValue());
            oldest.remove();
            evictedNotified++;
        }
    }

    private boolean forget(String key) {
        Instant at = notified.remove(key);
        if (at != null) {
            notifiedChars -= chars(key, at);
        }
        return at != null;
    }

    /** The characters an entry takes in the offset: key, '@', instant and ','. */
    private static long chars(String key, Instant at) {
        return key.length() + 2 + at.toString().length();
    }

    private void advance(String text, Instant instant, String key) {
        if (watermark == null || instant.isAfter(watermark)) {
            watermark = instant;
            watermarkText = text;
            idsAtWatermark.clear();
            Iterator<Map.Entry<String, Instant>> it = notified.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Instant> e = it.next();
                if (e.getValue().isBefore(instant)) {
                    notifiedChars -= chars(e.getKey(), e.getValue());
                    it.remove(); // the search is past it and will never return it again
                }
            }
        }
        idsAtWatermark.add(key);
    }

    public String watermarkText() {
        return watermarkText;
    }

    public Instant watermark() {
        return watermark;
    }

    public int idsAtWatermark() {
        return idsAtWatermark.size();
    }

    public int pendingNotified() {
        return notified.size();
    }

    /** True when enough notified keys wait that a search should run now to prune them. */
    public boolean notifiedBacklog() {
        return notifiedChars > NOTIFIED_SOFT_CHARS;
    }

    /** Notified keys forgotten to keep the offset bounded; each may be emitted once more by the search. */
    public long evictedNotified() {
        return evictedNotified;
    }

    public String deleteSince() {
        return deleteSince;
    }

    /** Sets the first _since when none is known (no offset and no fhir.since). */
    public void initDeleteSince(String since) {
        if (deleteSince == null) {
            deleteSince = since;
        }
    }

    public boolean deleteSeen(String key) {
        return deleteSeen.contains(key);
    }

    /** After a _history read: the next one starts at {@code since}; {@code seen} are the delete entries it had. */
    public void deletesRead(String since, Collection<String> seen) {
        if (since != null) {
            deleteSince = since;
        }
        deleteSeen.clear();
        deleteSeen.addAll(seen);
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }

    private static List<String> split(String joined) {
        List<String> result = new ArrayList<>();
        if (joined.isEmpty()) {
            return result;
        }
        for (String s : joined.split(",")) {
            if (!s.isEmpty()) {
                result.add(s);
            }
        }
        return result;
    }
}
