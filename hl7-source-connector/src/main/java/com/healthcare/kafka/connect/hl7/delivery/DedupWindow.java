package com.healthcare.kafka.connect.hl7.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * exactly_once: the most recent messages of a task, so a resent duplicate is answered with the original's outcome
 * instead of being written again. A message is a duplicate only when both its id (MSH-3, MSH-4, MSH-10) and its
 * content match: a different message that reuses a control id is written, never answered-and-dropped. Each
 * message is remembered as a 64-bit hash of its id and a 32-bit digest of its text (a false match within a
 * window of thousands has a probability around 10^-13 for ids, and 2^-32 that a reused id also hides different
 * content). The window is saved in the task's source offsets as base64 text ({@value #ENCODED_KEY_CHARS}
 * characters per message after a {@value #FORMAT_2} marker) and restored at start; restored messages count as
 * stored. Offsets of earlier versions (ids only, 11 characters each) are read too: their entries carry no digest
 * and so never match, i.e. a resend of such a message is written again (a possible duplicate, never a loss).
 * Thread-safe: the poll thread looks up and adds, commit callbacks settle.
 */
public final class DedupWindow {

    /** Marks an encoding with digests; earlier offsets hold bare 11-character id hashes. */
    public static final String FORMAT_2 = "2:";
    /** Characters per encoded message: 12 bytes (id hash, digest) in unpadded base64url. */
    public static final int ENCODED_KEY_CHARS = 16;
    /** Characters per message in offsets written before digests were kept. */
    static final int LEGACY_HASH_CHARS = 11;
    /** Digest of an entry restored from a legacy offset: matches no message (digests are never this value). */
    private static final long NO_DIGEST = -1L;

    /** A message's identity: the hash of its id and the digest of its content. */
    public record Key(long id, long digest) {
    }

    /** State of a remembered message. */
    public enum State { PENDING, STORED }

    /** A remembered message; duplicates that arrive while it is pending wait for its outcome. */
    public static final class Entry {
        private final Key key;
        private State state;
        private List<Part> waiting;
        /** Still among the last {@code capacity} messages (not evicted). */
        private boolean inWindow = true;

        Entry(Key key, State state) {
            this.key = key;
            this.state = state;
        }

        public Key key() {
            return key;
        }
    }

    private final int capacity;
    private final ArrayDeque<Key> order = new ArrayDeque<>();
    private final Map<Key, Entry> entries = new HashMap<>();
    /** How many remembered entries share an id hash: a new message with a known id reuses a control id. */
    private final Map<Long, Integer> ids = new HashMap<>();
    private final MessageDigest sha256;

    public DedupWindow(int capacity) {
        this.capacity = capacity;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The key of a message by its dedup id and its text. Called by the poll thread only. */
    public Key key(String id, String text) {
        long idHash = ByteBuffer.wrap(sha256.digest(id.getBytes(StandardCharsets.UTF_8))).getLong();
        long digest = ByteBuffer.wrap(sha256.digest(text.getBytes(StandardCharsets.UTF_8))).getInt() & 0xFFFF_FFFFL;
        return new Key(idHash, digest);
    }

    /** Result of {@link #admit(Key, Part)}. */
    public enum Admission {
        /** New: write it; the part now carries the entry. */
        NEW,
        /** New content under an id the window holds (a reused control id): write it; the part carries the entry. */
        NEW_REUSED_ID,
        /** Already stored: answer success without writing. */
        DUPLICATE_STORED,
        /** The original is still on its way: the part waits for the original's outcome. */
        DUPLICATE_PENDING
    }

    /** Looks {@code key} up and either remembers it as pending for {@code part} or reports a duplicate. */
    public synchronized Admission admit(Key key, Part part) {
        Entry entry = entries.get(key);
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
        boolean reused = ids.containsKey(key.id());
        remember(new Entry(key, State.PENDING));
        part.dedupEntry(entries.get(key));
        return reused ? Admission.NEW_REUSED_ID : Admission.NEW;
    }

    private void remember(Entry entry) {
        entries.put(entry.key, entry);
        ids.merge(entry.key.id(), 1, Integer::sum);
        order.addLast(entry.key);
        evict();
    }

    private void forget(Entry entry) {
        if (entries.remove(entry.key, entry)) {
            ids.computeIfPresent(entry.key.id(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private void evict() {
        while (order.size() > capacity) {
            Entry evicted = entries.get(order.pollFirst());
            if (evicted != null) {
                evicted.inWindow = false;
                // A pending entry stays findable until it settles (its waiters need the outcome).
                if (evicted.state == State.STORED) {
                    forget(evicted);
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
                forget(entry);
            }
        } else {
            forget(entry);
            if (entry.inWindow) {
                // Rare (a dropped record): a linear removal is fine.
                order.removeFirstOccurrence(entry.key);
                entry.inWindow = false;
            }
        }
        return waiting;
    }

    /** The remembered messages, oldest first, as text for a source offset. */
    public synchronized String encoded() {
        StringBuilder out = new StringBuilder(FORMAT_2.length() + order.size() * ENCODED_KEY_CHARS).append(FORMAT_2);
        for (Key key : order) {
            appendEncoded(out, key);
        }
        return out.toString();
    }

    /** Appends one key; the text must start with {@link #FORMAT_2}. */
    public static void appendEncoded(StringBuilder out, Key key) {
        byte[] bytes = ByteBuffer.allocate(12).putLong(key.id()).putInt((int) key.digest()).array();
        out.append(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * Remembers messages restored from a source offset as stored (oldest first): the current encoding, or an
     * earlier version's bare id hashes. Malformed text is skipped.
     */
    public synchronized int restore(String encoded) {
        if (encoded == null) {
            return 0;
        }
        boolean current = encoded.startsWith(FORMAT_2);
        int start = current ? FORMAT_2.length() : 0;
        int width = current ? ENCODED_KEY_CHARS : LEGACY_HASH_CHARS;
        int restored = 0;
        for (int i = start; i + width <= encoded.length(); i += width) {
            Key key;
            try {
                ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(encoded.substring(i, i + width)));
                key = current ? new Key(bytes.getLong(), bytes.getInt() & 0xFFFF_FFFFL)
                        : new Key(bytes.getLong(), NO_DIGEST);
            } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
                continue;
            }
            if (!entries.containsKey(key)) {
                remember(new Entry(key, State.STORED));
                restored++;
            }
        }
        return restored;
    }

    public synchronized int size() {
        return order.size();
    }

    /** For tests: whether a message is remembered as stored. */
    synchronized boolean isStored(Key key) {
        Entry entry = entries.get(key);
        return entry != null && entry.state == State.STORED;
    }

    /** Iteration order for tests. */
    synchronized List<Key> keys() {
        return new ArrayList<>(order);
    }
}
