package com.healthcare.kafka.connect.transforms.facility;

import java.util.function.Function;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Schema;

/**
 * Bounded cache of what is derived from a source schema (a derived schema plus its copy plan), so no record
 * builds a schema. Three levels, cheapest first: the last schema seen (a CDC task sends runs of records with the
 * very same schema instance), an identity-keyed LRU (several tables interleaved), and an equality-keyed LRU
 * (equal schemas rebuilt by a converter). {@code ConnectSchema.hashCode} walks the whole schema, so the first two
 * levels avoid it on the hot path.
 *
 * @param <V> what is derived
 */
final class DerivedCache<V> {

    /** Per cache; a task rarely has more tables than this in flight at once. */
    static final int SIZE = 256;

    private final Cache<IdentityKey, V> byIdentity = new SynchronizedCache<>(new LRUCache<>(SIZE));
    private final Cache<Schema, V> byEquality = new SynchronizedCache<>(new LRUCache<>(SIZE));
    private volatile Last<V> last;

    V get(Schema source, Function<Schema, V> derive) {
        Last<V> hit = last;
        if (hit != null && hit.source == source) {
            return hit.derived;
        }
        IdentityKey identity = new IdentityKey(source);
        V derived = byIdentity.get(identity);
        if (derived == null) {
            derived = byEquality.get(source);
            if (derived == null) {
                derived = derive.apply(source);
                byEquality.put(source, derived);
            }
            byIdentity.put(identity, derived);
        }
        last = new Last<>(source, derived);
        return derived;
    }

    /** Number of distinct (equal-by-value) schemas derived and still cached; for tests. */
    long size() {
        return byEquality.size();
    }

    private static final class Last<V> {
        final Schema source;
        final V derived;

        Last(Schema source, V derived) {
            this.source = source;
            this.derived = derived;
        }
    }

    private static final class IdentityKey {
        private final Schema schema;

        IdentityKey(Schema schema) {
            this.schema = schema;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof IdentityKey && ((IdentityKey) other).schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }
}
