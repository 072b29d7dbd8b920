package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.ArrayList;
import java.util.List;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;

/**
 * The resources many segments refer to: Practitioner (XCN, CNN), Organization (XON, HD) and Location (PL, a
 * name), added to the message's Bundle once per identity (create-if-absent) and returned as references.
 */
final class SharedResources {

    private SharedResources() {
    }

    /**
     * XCN to a Practitioner reference. With an id (XCN.1) the Practitioner is added (create-if-absent by
     * identifier); without one the reference carries the name as display only.
     */
    static JsonObject practitioner(BundleContext ctx, V2Composite xcn) {
        if (xcn == null || xcn.isEmpty()) {
            return null;
        }
        V2Composite authority = xcn.component(9);
        return practitioner(ctx, xcn.get(1), PersonTypes.humanNameFromXcn(ctx.types, xcn), DataTypes.code(xcn.get(13)),
                authority.get(1), authority.get(2), authority.get(3), xcn.get(7));
    }

    /**
     * CNN (the first component of an NDL, e.g. OBR-32) to a Practitioner reference: its parts are subcomponents
     * id&family&given&middle&suffix&prefix&degree&source table&authority namespace&universal id&type.
     */
    static JsonObject practitionerFromCnn(BundleContext ctx, V2Composite cnn) {
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
        return practitioner(ctx, cnn.get(1), name, null, cnn.get(9), cnn.get(10), cnn.get(11), cnn.get(7));
    }

    private static JsonObject practitioner(BundleContext ctx, String id, JsonObject name, String type,
                                           String authNs, String authUid, String authType, String degree) {
        String display = PersonTypes.displayName(name);
        if (id == null) {
            return display == null ? null : new JsonObject().put("display", display);
        }
        JsonObject identifier = new JsonObject();
        if (type != null) {
            identifier.put("type", ctx.types.identifierType(type));
        }
        String system = ctx.types.identifierSystem(authNs, authUid, authType);
        if (system == null && type != null) {
            system = ctx.types.tables().identifierTypeSystem(type);
        }
        if (system == null) {
            // No authority: scope the id to the sender so two systems' "1234" are not merged.
            system = ctx.types.local(ctx.senderKey.replace('^', '.') + ".practitioner");
        }
        identifier.put("system", system).put("value", id);
        Entry e = ctx.identified("Practitioner", identifier, false);
        JsonObject r = e.resource;
        if (!r.has("identifier")) {
            r.add("identifier", identifier);
            r.put("active", Boolean.TRUE);
            r.add("name", name);
            JsonObject qualification = ctx.types.tableConcept(degree, "0360");
            if (qualification != null) {
                r.add("qualification", new JsonObject().put("code", qualification));
            }
        }
        return e.reference(display);
    }

    /** XON to an Organization reference (IG XON[Organization]). */
    static JsonObject organization(BundleContext ctx, V2Composite xon) {
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
                identifier.put("type", ctx.types.identifierType(type));
            }
            String system = ctx.types.identifierSystem(xon.component(6));
            identifier.put("system", system != null ? system
                    : ctx.types.local(ctx.senderKey.replace('^', '.') + ".organization")).put("value", idValue);
        }
        return organization(ctx, name, identifier, null);
    }

    /** HD (e.g. MSH-4 sending facility) to an Organization reference. */
    static JsonObject organizationFromHd(BundleContext ctx, V2Composite hd) {
        if (hd == null || hd.isEmpty()) {
            return null;
        }
        String ns = hd.get(1);
        JsonObject identifier = null;
        if (hd.get(2) != null) {
            identifier = new JsonObject().put("system",
                    ctx.types.identifierSystem(null, hd.get(2), hd.get(3))).put("value", hd.get(2));
            String sys = identifier.getString("system");
            if (sys != null && (sys.startsWith("urn:oid:") || sys.startsWith("urn:uuid:"))) {
                identifier.put("system", "urn:ietf:rfc:3986").put("value", sys);
            }
        } else if (ns != null) {
            identifier = new JsonObject().put("system", ctx.types.local("facility")).put("value", ns);
        }
        return organization(ctx, ns, identifier, null);
    }

    /** An Organization by name and/or identifier; the name alone gives a derived key. */
    static JsonObject organization(BundleContext ctx, String name, JsonObject identifier, JsonObject address) {
        if (name == null && identifier == null) {
            return null;
        }
        JsonObject id = identifier != null ? identifier : ctx.derivedIdentifier("Organization", name);
        Entry e = ctx.identified("Organization", id, false);
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
    static JsonObject location(BundleContext ctx, V2Composite pl, String where) {
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
            JsonObject identifier = ctx.derivedIdentifier("Location", key.toString());
            Entry e = ctx.identified("Location", identifier, false);
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
    static JsonObject locationByName(BundleContext ctx, String name) {
        if (name == null) {
            return null;
        }
        JsonObject identifier = ctx.derivedIdentifier("Location", "/name:" + name);
        Entry e = ctx.identified("Location", identifier, false);
        if (!e.resource.has("identifier")) {
            e.resource.add("identifier", identifier).put("status", "active").put("name", name)
                    .put("mode", "instance");
        }
        return e.reference(name);
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
}
