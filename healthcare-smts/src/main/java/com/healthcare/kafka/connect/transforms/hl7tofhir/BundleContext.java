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

    // ---------------------------------------------------------------- shared reference resources

    /**
     * XCN to a Practitioner reference. With an id (XCN.1) the Practitioner is added (create-if-absent by
     * identifier); without one the reference carries the name as display only.
     */
    JsonObject practitioner(V2Composite xcn) {
        if (xcn == null || xcn.isEmpty()) {
            return null;
        }
        V2Composite authority = xcn.component(9);
        return practitioner(xcn.get(1), PersonTypes.humanNameFromXcn(types, xcn), DataTypes.code(xcn.get(13)),
                authority.get(1), authority.get(2), authority.get(3), xcn.get(7));
    }

    /**
     * CNN (the first component of an NDL, e.g. OBR-32) to a Practitioner reference: its parts are subcomponents
     * id&family&given&middle&suffix&prefix&degree&source table&authority namespace&universal id&type.
     */
    JsonObject practitionerFromCnn(V2Composite cnn) {
        if (cnn == null || cnn.isEmpty()) {
            return null;
        }
        JsonObject name = new JsonObject().put("family", cnn.get(2));
        JsonArray given = new JsonArray();
        given.add(cnn.get(3));
        given.add(cnn.get(4));
        name.put("given", given);
        name.add("suffix", cnn.get(5));
        name.add("prefix", cnn.get(6));
        if (!name.has("family") && !name.has("given")) {
            name = null;
        }
        return practitioner(cnn.get(1), name, null, cnn.get(9), cnn.get(10), cnn.get(11), cnn.get(7));
    }

    private JsonObject practitioner(String id, JsonObject name, String type, String authNs, String authUid,
                                    String authType, String degree) {
        String display = PersonTypes.displayName(name);
        if (id == null) {
            return display == null ? null : new JsonObject().put("display", display);
        }
        JsonObject identifier = new JsonObject();
        if (type != null) {
            identifier.put("type", types.identifierType(type));
        }
        String system = types.identifierSystem(authNs, authUid, authType);
        if (system == null && type != null) {
            system = types.tables().identifierTypeSystem(type);
        }
        if (system == null) {
            // No authority: scope the id to the sender so two systems' "1234" are not merged.
            system = types.local(senderKey.replace('^', '.') + ".practitioner");
        }
        identifier.put("system", system).put("value", id);
        Entry e = identified("Practitioner", identifier, false);
        JsonObject r = e.resource;
        if (!r.has("identifier")) {
            r.add("identifier", identifier);
            r.put("active", Boolean.TRUE);
            r.add("name", name);
            JsonObject qualification = types.tableConcept(degree, "0360");
            if (qualification != null) {
                r.add("qualification", new JsonObject().put("code", qualification));
            }
        }
        return e.reference(display);
    }

    /** XON to an Organization reference (IG XON[Organization]). */
    JsonObject organization(V2Composite xon) {
        if (xon == null || xon.isEmpty()) {
            return null;
        }
        String name = xon.get(1);
        String idValue = xon.get(10) != null ? xon.get(10) : xon.get(3);
        JsonObject identifier = null;
        if (idValue != null) {
            identifier = new JsonObject();
            String type = DataTypes.code(xon.get(7));
            if (type != null) {
                identifier.put("type", types.identifierType(type));
            }
            String system = types.identifierSystem(xon.component(6));
            identifier.put("system", system != null ? system
                    : types.local(senderKey.replace('^', '.') + ".organization")).put("value", idValue);
        }
        return organization(name, identifier, null);
    }

    /** HD (e.g. MSH-4 sending facility) to an Organization reference. */
    JsonObject organizationFromHd(V2Composite hd) {
        if (hd == null || hd.isEmpty()) {
            return null;
        }
        String ns = hd.get(1);
        JsonObject identifier = null;
        if (hd.get(2) != null) {
            identifier = new JsonObject().put("system",
                    types.identifierSystem(null, hd.get(2), hd.get(3))).put("value", hd.get(2));
            String sys = identifier.getString("system");
            if (sys != null && (sys.startsWith("urn:oid:") || sys.startsWith("urn:uuid:"))) {
                identifier.put("system", "urn:ietf:rfc:3986").put("value", sys);
            }
        } else if (ns != null) {
            identifier = new JsonObject().put("system", types.local("facility")).put("value", ns);
        }
        return organization(ns, identifier, null);
    }

    /** An Organization by name and/or identifier; the name alone gives a derived key. */
    JsonObject organization(String name, JsonObject identifier, JsonObject address) {
        if (name == null && identifier == null) {
            return null;
        }
        JsonObject id = identifier != null ? identifier : derivedIdentifier("Organization", name);
        Entry e = identified("Organization", id, false);
        JsonObject r = e.resource;
        if (!r.has("identifier")) {
            r.add("identifier", id);
            r.put("active", Boolean.TRUE);
            r.put("name", name);
            r.add("address", address);
        }
        return e.reference(name);
    }

    /**
     * PL (person location) to Location references, one Location per level given (facility, building, floor,
     * point of care, room, bed) chained with partOf, as the IG's PL[Location] map does. Returns the most specific.
     */
    JsonObject location(V2Composite pl, String where) {
        if (pl == null || pl.isEmpty()) {
            return null;
        }
        String[] path = new String[6];
        // Order from the outside in: facility (PL.4), building (PL.7), floor (PL.8), point of care (PL.1),
        // room (PL.2), bed (PL.3).
        int[] comps = {4, 7, 8, 1, 2, 3};
        String[] physical = {"si", "bu", "lvl", "wa", "ro", "bd"};
        String[] physicalDisplay = {"Site", "Building", "Level", "Ward", "Room", "Bed"};
        Entry parent = null;
        Entry last = null;
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < comps.length; i++) {
            V2Composite hd = pl.component(comps[i]);
            String name = hd.get(1) != null ? hd.get(1) : hd.get(2);
            if (name == null) {
                continue;
            }
            path[i] = name;
            key.append('/').append(physical[i]).append(':').append(name);
            JsonObject identifier = derivedIdentifier("Location", key.toString());
            Entry e = identified("Location", identifier, false);
            JsonObject r = e.resource;
            if (!r.has("identifier")) {
                r.add("identifier", identifier);
                // Only a valid OID or UUID becomes a URN (an invalid one is just part of the name).
                if (hd.get(2) != null && (("ISO".equalsIgnoreCase(hd.get(3)) && Uris.isOid(hd.get(2)))
                        || ("UUID".equalsIgnoreCase(hd.get(3)) && Uris.isUuid(hd.get(2))))) {
                    r.add("identifier", new JsonObject().put("system", "urn:ietf:rfc:3986").put("value",
                            ("ISO".equalsIgnoreCase(hd.get(3)) ? "urn:oid:" : "urn:uuid:") + hd.get(2)));
                }
                r.put("status", "active");
                r.put("name", name);
                r.put("mode", "instance");
                r.put("physicalType", new JsonObject().add("coding", new JsonObject()
                        .put("system", "http://terminology.hl7.org/CodeSystem/location-physical-type")
                        .put("code", physical[i]).put("display", physicalDisplay[i])));
                if (parent != null) {
                    r.put("partOf", parent.reference(parent.resource.getString("name")));
                }
            }
            parent = e;
            last = e;
        }
        if (last == null) {
            return null;
        }
        String description = pl.get(9);
        if (description != null && !last.resource.has("description")) {
            last.resource.put("description", description);
        }
        return last.reference(String.join(" ", nonNull(path)));
    }

    /** A Location known only by a code or name (discharge destination, AIL without a PL). */
    JsonObject locationByName(String name) {
        if (name == null) {
            return null;
        }
        JsonObject identifier = derivedIdentifier("Location", "/name:" + name);
        Entry e = identified("Location", identifier, false);
        if (!e.resource.has("identifier")) {
            e.resource.add("identifier", identifier).put("status", "active").put("name", name)
                    .put("mode", "instance");
        }
        return e.reference(name);
    }

    Entry entryOf(JsonObject ref) {
        if (ref == null || ref.getString("reference") == null) {
            return null;
        }
        return byFullUrl.get(ref.getString("reference"));
    }

    private static List<String> nonNull(String[] a) {
        List<String> out = new ArrayList<>();
        for (String s : a) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
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
