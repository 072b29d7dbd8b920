package com.healthcare.kafka.connect.hl7.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * exactly_once: the most recent messages of a task by (MSH-3, MSH-4, MSH-10), so a resent duplicate is answered
 * with the original's outcome instead of being written again. Each message is remembered as a 64-bit hash (a
 * false match within a window of thousands has a probability around 10^-13). The window is saved in the task's
 * source offsets as base64 text (11 characters per message) and restored at start; restored messages count as
 * stored. Thread-safe: the poll thread looks up and adds, commit callbacks settle.
 */
public final class DedupWindow {

    /** Characters per encoded hash: 8 bytes in unpadded base64url. */
    public static final int ENCODED_HASH_CHARS = 11;

    /** State of a remembered message. */
    public enum State { PENDING, STORED }

    /** A remembered message; duplicates that arrive while it is pending wait for its outcome. */
    public static final class Entry {
        private final long hash;
        private State state;
        private List<Part> waiting;
        /** Still among the last {@code capacity} messages (not evicted). */
        private boolean inWindow = true;

        Entry(long hash, State state) {
            this.hash = hash;
            this.state = state;
        }

        public long hash() {
            return hash;
        }
    }

    private final int capacity;
    private final ArrayDeque<Long> order = new ArrayDeque<>();
    private final Map<Long, Entry> entries = new HashMap<>();
    private final MessageDigest digest;

    public DedupWindow(int capacity) {
        this.capacity = capacity;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The 64-bit hash of a dedup key. Called by the poll thread only. */
    public long hash(String key) {
        byte[] sha = digest.digest(key.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(sha).getLong();
    }

    /** Result of {@link #admit(long, Part)}. */
    public enum Admission {
        /** New: write it; the part now carries the entry. */
        NEW,
        /** Already stored: answer success without writing. */
        DUPLICATE_STORED,
        /** The original is still on its way: the part waits for the original's outcome. */
        DUPLICATE_PENDING
    }

    /** Looks {@code hash} up and either remembers it as pending for {@code part} or reports a duplicate. */
    public synchronized Admission admit(long hash, Part part) {
        Entry entry = entries.get(hash);
        if (entry != null && entry.state == State.STORED) {
            return Admission.DUPLICATE_STORED;
        }
        if (entry != null) {
            if (entry.waiting == null) {
                entry.waiting = new ArrayList<>(1);
            }
            entry.waiting.add(part);
            return Admission.DUPLICATE_PENDING;
        }
        entry = new Entry(hash, State.PENDING);
        entries.put(hash, entry);
        order.addLast(hash);
        evict();
        part.dedupEntry(entry);
        return Admission.NEW;
    }

    private void evict() {
        while (order.size() > capacity) {
            Long oldest = order.pollFirst();
            Entry evicted = entries.get(oldest);
            if (evicted != null) {
                evicted.inWindow = false;
                // A pending entry stays findable until it settles (its waiters need the outcome).
                if (evicted.state == State.STORED) {
                    entries.remove(oldest);
                }
            }
        }
    }

    /**
     * The original's record was committed ({@code stored}) or dropped. A stored entry answers later duplicates;
     * a dropped one is forgotten so a resend is written again. Returns the duplicates that waited for it.
     */
    public synchronized List<Part> settle(Entry entry, boolean stored) {
        List<Part> waiting = entry.waiting == null ? List.of() : entry.waiting;
        entry.waiting = null;
        if (stored) {
            entry.state = State.STORED;
            if (!entry.inWindow) {
                entries.remove(entry.hash, entry);
            }
        } else {
            entries.remove(entry.hash, entry);
            if (entry.inWindow) {
                // Rare (a dropped record): a linear removal is fine.
                order.removeFirstOccurrence(entry.hash);
                entry.inWindow = false;
            }
        }
        return waiting;
    }

    /** The remembered hashes, oldest first, as text for a source offset. */
    public synchronized String encoded() {
        StringBuilder out = new StringBuilder(order.size() * ENCODED_HASH_CHARS);
        for (Long hash : order) {
            appendEncoded(out, hash);
        }
        return out.toString();
    }

    public static void appendEncoded(StringBuilder out, long hash) {
        out.append(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(ByteBuffer.allocate(8).putLong(hash).array()));
    }

    /** Remembers hashes restored from a source offset as stored (oldest first). Malformed text is skipped. */
    public synchronized int restore(String encoded) {
        if (encoded == null) {
            return 0;
        }
        int restored = 0;
        for (int i = 0; i + ENCODED_HASH_CHARS <= encoded.length(); i += ENCODED_HASH_CHARS) {
            long hash;
            try {
                hash = ByteBuffer.wrap(Base64.getUrlDecoder()
                        .decode(encoded.substring(i, i + ENCODED_HASH_CHARS))).getLong();
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (!entries.containsKey(hash)) {
                entries.put(hash, new Entry(hash, State.STORED));
                order.addLast(hash);
                restored++;
            }
        }
        evict();
        return restored;
    }

    public synchronized int size() {
        return order.size();
    }

    /** For tests: whether a hash is remembered as stored. */
    synchronized boolean isStored(long hash) {
        Entry entry = entries.get(hash);
        return entry != null && entry.state == State.STORED;
    }

    /** Iteration order for tests. */
    synchronized List<Long> hashes() {
        List<Long> list = new ArrayList<>(order.size());
        Iterator<Long> it = order.iterator();
        while (it.hasNext()) {
            list.add(it.next());
        }
        return list;
    }
}
