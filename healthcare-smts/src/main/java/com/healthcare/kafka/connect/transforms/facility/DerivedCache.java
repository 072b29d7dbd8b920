package com.healthcare.kafka.connect.transforms.facility;

import java.util.function.Function;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Schema;

/**
 * Bounded cache of what is derived from a source schema (a derived schema plus its copy plan), so no record
 * builds a schema. Two levels: a small direct-mapped table keyed by schema identity (a CDC task reuses one schema
 * instance per table, so this answers almost every record without a lock or a hash of the schema), and behind it an
 * equality-keyed LRU (for equal schemas rebuilt by a converter, and the bound). {@code ConnectSchema.hashCode} walks
 * the whole schema, so the hot path avoids it.
 *
 * @param <V> what is derived
 */
final class DerivedCache<V> {

    /** Per cache; a task rarely has more tables than this in flight at once. */
    static final int SIZE = 256;
    private static final int RECENT_SLOTS = 64;

    private final Cache<Schema, V> byEquality = new SynchronizedCache<>(new LRUCache<>(SIZE));
    /**
     * Racy on purpose: a slot holds an immutable entry (final fields, so safely published); a stale or lost write
     * only costs a lookup in {@link #byEquality}.
     */
    @SuppressWarnings("unchecked")
    private final Recent<V>[] recent = new Recent[RECENT_SLOTS];

    V get(Schema source, Function<Schema, V> derive) {
        int slot = System.identityHashCode(source) & (RECENT_SLOTS - 1);
        Recent<V> hit = recent[slot];
        if (hit != null && hit.source == source) {
            return hit.derived;
        }
        V derived = byEquality.get(source);
        if (derived == null) {
            derived = derive.apply(source);
            byEquality.put(source, derived);
        }
        recent[slot] = new Recent<>(source, derived);
        return derived;
    }

    /** Number of distinct (equal-by-value) schemas derived and still cached; for tests. */
    long size() {
        return byEquality.size();
    }

    private static final class Recent<V> {
        final Schema source;
        final V derived;

        Recent(Schema source, V derived) {
            this.source = source;
            this.derived = derived;
        }
    }
}
