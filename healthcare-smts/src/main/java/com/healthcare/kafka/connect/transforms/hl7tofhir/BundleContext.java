package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonWriter;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Message;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * Everything one conversion builds: the entries (deduplicated by fullUrl), the resources the segments refer back
 * to, and the rules for fullUrls and conditional requests. One instance per message; never shared.
 */
final class BundleContext {

    /** Namespace of the name-based (v5) UUIDs used as fullUrls. */
    private static final UUID NAMESPACE = UUID.fromString("8b0f7c1e-6a43-5d1e-9a3c-4f2b7e0d9c51");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    final V2Message msg;
    final DataTypes types;
    final ConversionSettings settings;
    final String messageCode;
    /** The family the message acts as ({@link MessageStructures}): what {@link #owns} compares with. */
    final String family;
    final String event;
    final String senderKey;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> byFullUrl = new HashMap<>();
    private final MessageDigest sha1;
    private final MessageDigest sha256;

    Entry patient;
    JsonObject patientIdentifier;
    /** The PID the current patient comes from (MRG reads its account number, PID-18). */
    V2Segment patientSegment;
    /** MRG-5/MRG-6 prior visit number, for the Encounter of the PV1 that follows the MRG. */
    JsonObject priorVisit;
    Entry encounter;

    // Segment group state: what later segments (NTE, OBX, RXR, AIx...) attach to.
    V2Segment evn;
    V2Segment pendingOrc;
    V2Segment tq1;
    boolean orcConsumed;
    Entry serviceRequest;
    Entry diagnosticReport;
    V2Segment obr;
    Entry observation;
    Entry specimen;
    Entry immunization;
    Entry medicationRequest;
    Entry appointment;
    /** The SCH of the appointment: SCH-11 timing applies last, as the fallback. */
    V2Segment schedule;
    Entry document;
    Entry coverage;
    Entry condition;
    Entry procedure;
    /** The entry an NTE attaches to and how ("note" Annotation, "comment" string, "content" attachment). */
    Entry noteTarget;
    String noteKind;
    int orderIndex;
    final Set<String> observationKeys = new java.util.HashSet<>();
    /** VXU VIS observations per Immunization and OBX-4 group, until the end of the message. */
    final Map<Entry, Map<String, JsonObject>> educationGroups = new java.util.LinkedHashMap<>();
    /** MDM text lines per DocumentReference, written as one attachment at the end. */
    final Map<Entry, StringBuilder> documentText = new java.util.LinkedHashMap<>();
    /** State of the problem, referral and diet mappers. */
    final FamilyState families = new FamilyState();

    BundleContext(V2Message msg, DataTypes types) {
        this.msg = msg;
        this.types = types.forSender(msg.msh().get(3), msg.msh().get(4), country(msg));
        this.settings = types.settings();
        this.messageCode = nz(msg.messageCode());
        this.family = MessageStructures.family(this.messageCode);
        this.event = nz(msg.triggerEvent());
        this.senderKey = nz(msg.msh().get(3)) + "^" + nz(msg.msh().get(4));
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-1/SHA-256", e);
        }
    }

    /** MSH-17 country code, else the first patient address's country (PID-11.6); null when neither is given. */
    private static String country(V2Message msg) {
        String c = msg.msh().get(17);
        if (c == null) {
            V2Segment pid = msg.first("PID");
            c = pid == null ? null : pid.get(11, 6);
        }
        return c;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    // ---------------------------------------------------------------- entries

    /** The entry for {@code type} keyed by {@code key}: the same key always yields the same fullUrl. */
    Entry entry(String type, String key) {
        String fullUrl = "urn:uuid:" + uuid(type + "|" + key);
        Entry e = byFullUrl.get(fullUrl);
        if (e == null) {
            e = new Entry(type, fullUrl);
            e.source = types.current();
            byFullUrl.put(fullUrl, e);
            entries.add(e);
        }
        return e;
    }

    /** Key of an identifier for {@link #entry}. */
    static String key(JsonObject identifier) {
        return identifier.getString("system") + "|" + identifier.getString("value");
    }

    /** An entry keyed by a business identifier, written per the authoritative/create-if-absent rule. */
    Entry identified(String type, JsonObject identifier, boolean authoritative) {
        return identified(type, identifier, authoritative, null);
    }

    /**
     * An entry keyed by a business identifier, told apart by {@code discriminator} from a distinct item of this
     * message that shares the identifier (real feeds reuse one placer number for several tests, one OBX-21 for
     * several results). The first item keeps the identifier's entry; when a second one with another discriminator
     * claims it, each gets an entry of its own, and both are written conditionally on a derived identifier (the
     * business identifier and the discriminator) instead of the shared one, so neither overwrites the other.
     * A null discriminator (nothing to tell items apart by) means the same item.
     */
    Entry identified(String type, JsonObject identifier, boolean authoritative, String discriminator) {
        String key = key(identifier);
        Entry e = entry(type, key);
        if (e.key == null) {
            e.key = key;
            e.discriminator = discriminator;
        } else if (discriminator != null && e.discriminator != null && !discriminator.equals(e.discriminator)) {
            Entry base = e;
            e = entry(type, key + "\u0000" + discriminator);
            if (e.key == null) {
                e.key = key + "|" + discriminator;
                e.discriminator = discriminator;
                e.distinctIdentifier = derivedIdentifier(type, key, discriminator);
                if (base.distinctIdentifier == null) {
                    base.distinctIdentifier = derivedIdentifier(type, key, base.discriminator);
                    if (base.hasRequest()) {
                        base.requestBy(base.distinctIdentifier);
                    }
                }
            }
        } else if (e.discriminator == null) {
            e.discriminator = discriminator;
        }
        if (!e.hasRequest()) {
            JsonObject by = e.distinctIdentifier != null ? e.distinctIdentifier : identifier;
            if (authoritative) {
                e.updateBy(by);
            } else {
                e.createBy(by);
            }
        }
        return e;
    }

    /**
     * The identifiers of a resource the message names by placer and filler numbers, in the given order; the
     * derived key only when the message gives neither.
     */
    static JsonArray identifiers(JsonObject first, JsonObject second, JsonObject derived) {
        JsonArray ids = new JsonArray();
        ids.add(first);
        ids.add(second);
        if (first == null && second == null) {
            ids.add(derived);
        }
        return ids;
    }

    /**
     * A resource the message identifies only by content (no business identifier): it gets a derived key, an
     * identifier whose value is a hash of {@code parts} (patient identifier, code, date...), so replaying the
     * message matches the same resource.
     */
    JsonObject derivedIdentifier(String type, String... parts) {
        StringBuilder b = new StringBuilder(type);
        for (String p : parts) {
            b.append('\u0000').append(p == null ? "" : p);
        }
        byte[] digest = sha256.digest(b.toString().getBytes(StandardCharsets.UTF_8));
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new JsonObject().put("use", "secondary")
                .put("system", settings.localSystemPrefix() + "hl7v2-key").put("value", new String(out));
    }

    /** True for the message family that owns a resource type, whose data then replaces the server's copy. */
    boolean owns(String... codes) {
        for (String c : codes) {
            if (c.equals(family)) {
                return true;
            }
        }
        return false;
    }

    /** Sets the entry an NTE that follows attaches to. */
    void notesTo(Entry target, String kind) {
        this.noteTarget = target;
        this.noteKind = kind;
    }

    /** The message-scoped key (sender + control id + part), for resources only this message defines. */
    String messageKey(String part) {
        return senderKey + "|" + nz(msg.controlId()) + "|" + part;
    }

    /** Version 5 (SHA-1, name-based) UUID of {@code name} in this sender's namespace. */
    String uuid(String name) {
        sha1.reset();
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
        sha1.update(ns.array());
        sha1.update(senderKey.getBytes(StandardCharsets.UTF_8));
        sha1.update((byte) 0);
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        char[] c = new char[36];
        int k = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                c[k++] = '-';
            }
            c[k++] = HEX[(h[i] >> 4) & 0xF];
            c[k++] = HEX[h[i] & 0xF];
        }
        return new String(c);
    }

    List<Entry> entries() {
        return entries;
    }

    JsonObject patientRef() {
        return patient == null ? null : patient.reference();
    }

    JsonObject encounterRef() {
        return encounter == null ? null : encounter.reference();
    }

    /** Patient identifier value parts for derived keys. */
    String patientKey() {
        return patientIdentifier == null ? "" : key(patientIdentifier);
    }

    String encounterKey() {
        if (encounter == null) {
            return "";
        }
        return encounter.fullUrl;
    }

    Entry entryOf(JsonObject ref) {
        if (ref == null || ref.getString("reference") == null) {
            return null;
        }
        return byFullUrl.get(ref.getString("reference"));
    }

    // ---------------------------------------------------------------- output

    /** Resource types in entry order, distinct (for the fhir.resource.types header). */
    Set<String> resourceTypes() {
        Set<String> types = new LinkedHashSet<>();
        for (Entry e : entries) {
            types.add(e.type);
        }
        return types;
    }

    /**
     * The last check before the Bundle is written: entries that share a business identifier with a distinct item
     * carry their derived identifier; no two entries may claim the same conditional identity with different
     * content (the server would apply one and lose the other), so that fails the message naming both segments.
     */
    void checkIdentities() {
        Map<String, Entry> claims = null;
        for (Entry e : entries) {
            if (e.distinctIdentifier != null) {
                JsonArray ids = e.resource.arr("identifier");
                if (!ids.contains(e.distinctIdentifier)) {
                    ids.add(e.distinctIdentifier);
                }
            }
            if (!e.hasRequest()) {
                continue;
            }
            if (claims == null) {
                claims = new HashMap<>();
            }
            String claim = e.method.equals("PUT") ? e.url : e.url + "?" + e.ifNoneExist;
            Entry other = claims.putIfAbsent(claim, e);
            if (other != null && !JsonWriter.write(other.resource).equals(JsonWriter.write(e.resource))) {
                throw new ConversionException("two different " + e.type + " resources claim the same identity "
                        + "(" + e.type + " " + (e.key == null ? "" : "identifier " + e.key.replace("|", " ")).strip()
                        + ") from " + segmentName(other.source) + " and " + segmentName(e.source)
                        + "; neither is kept over the other");
            }
        }
    }

    private static String segmentName(V2Segment s) {
        return s == null ? "the message" : s.name() + " (segment " + (s.position() + 1) + ")";
    }

    /** Serialises the Bundle; {@code head} holds Bundle-level elements written before the entries. */
    String write(JsonObject bundleHead, int rawLength) {
        checkIdentities();
        // A Bundle is about ten times the size of its message: sized up front, the builder is not copied while growing.
        StringBuilder b = new StringBuilder(Math.max(8192, rawLength * 12));
        JsonObject bundle = bundleHead;
        JsonArray array = new JsonArray();
        for (Entry e : entries) {
            JsonObject entry = new JsonObject().put("fullUrl", e.fullUrl).put("resource", e.resource);
            if (settings.bundleType().hasRequests()) {
                JsonObject req = new JsonObject().put("method", e.method).put("url", e.url)
                        .put("ifNoneExist", e.ifNoneExist);
                entry.put("request", req);
            }
            array.add(entry);
        }
        bundle.put("entry", array);
        JsonWriter.write(bundle, b);
        return b.toString();
    }
}
