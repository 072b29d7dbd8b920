package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.ArrayList;
import java.util.List;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * RF1 and PRD (REF/RRI^I12-I15 referrals) to a referral ServiceRequest whose requester and performer are the
 * PRD providers. In REF the RF1 and PRD segments come before the PID: they are kept until the message is read
 * and mapped once the patient is known.
 */
final class ReferralMapper {

    private ReferralMapper() {
    }

    static void rf1(BundleContext ctx, V2Segment rf1) {
        ctx.families.pendingRf1 = rf1;
    }

    static void prd(BundleContext ctx, V2Segment prd) {
        ctx.families.pendingPrd.add(prd);
    }

    /** Maps the message's referral (RF1, else the PRDs alone as providers) once every segment is read. */
    static void finish(BundleContext ctx) {
        FamilyState state = ctx.families;
        V2Segment rf1 = state.pendingRf1;
        List<V2Segment> prds = new ArrayList<>(state.pendingPrd);
        if (ctx.patient == null || (rf1 == null && prds.isEmpty())) {
            return;
        }
        DataTypes t = ctx.types;
        List<JsonObject> requesters = new ArrayList<>();
        List<JsonObject> performers = new ArrayList<>();
        for (V2Segment prd : prds) {
            t.at(prd);
            JsonObject ref = provider(ctx, prd);
            if (ref == null) {
                continue;
            }
            String role = DataTypes.code(prd.get(1));
            if ("RP".equals(role)) {
                requesters.add(ref);
            } else if ("RT".equals(role) || "CP".equals(role)) {
                performers.add(ref);
            }
        }
        if (rf1 == null) {
            return;
        }
        t.at(rf1);
        JsonObject originating = t.identifierEI(rf1.first(6), "PLAC");
        JsonObject external = t.identifierEI(rf1.first(11), null);
        for (JsonObject id : new JsonObject[] {originating, external}) {
            if (id != null && id.getString("system") == null) {
                id.put("system", t.local(ctx.senderKey.replace('^', '.') + ".referral"));
            }
        }
        JsonObject key = originating != null ? originating : external;
        if (key == null) {
            key = ctx.derivedIdentifier("ServiceRequest", ctx.patientKey(), "referral", rf1.get(7), rf1.get(9),
                    ctx.messageKey("RF1"));
        }
        Entry e = ctx.identified("ServiceRequest", key, ctx.owns("REF"));
        state.referral = e;
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(originating, external, key));
        r.put("status", status(DataTypes.code(rf1.get(1))));
        r.put("intent", "order");
        r.add("category", new JsonObject().add("coding", new JsonObject().put("system", "http://snomed.info/sct")
                .put("code", "3457005").put("display", "Patient referral")));
        JsonObject type = t.codeableConcept(rf1.first(3), "0281");
        if (type != null) {
            r.add("category", type);
        }
        r.put("priority", t.mappedCode(DataTypes.code(rf1.get(2)), "priority"));
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        r.put("occurrencePeriod", t.period(rf1.get(7), rf1.get(8), "RF1-7/RF1-8"));
        r.put("authoredOn", t.dateTime(rf1, 9));
        if (!requesters.isEmpty()) {
            r.put("requester", requesters.get(0));
        }
        for (JsonObject p : performers) {
            r.add("performer", p);
        }
        for (V2Composite reason : rf1.repetitions(10)) {
            r.add("reasonCode", t.codeableConcept(reason, "0336"));
        }
        JsonObject disposition = t.codeableConcept(rf1.first(4), "0282");
        if (disposition != null) {
            r.add("orderDetail", disposition);
        }
        JsonObject category = t.codeableConcept(rf1.first(5), "0284");
        if (category != null) {
            r.put("locationCode", new JsonArray().add(category));
        }
    }

    /** PRD-1 referral status (table 0283) to ServiceRequest.status. */
    private static String status(String code) {
        if (code == null) {
            return "unknown";
        }
        switch (code) {
            case "A":
                return "active";
            case "P":
                return "draft";
            case "R":
            case "E":
                return "revoked";
            default:
                return "unknown";
        }
    }

    /** PRD (provider data) to a Practitioner: PRD-7 identifier, else the name alone as a display. */
    private static JsonObject provider(BundleContext ctx, V2Segment prd) {
        DataTypes t = ctx.types;
        JsonObject name = PersonTypes.humanName(t, prd.first(2));
        String id = prd.get(7, 1);
        if (id == null) {
            String display = PersonTypes.displayName(name);
            if (display == null) {
                return null;
            }
            JsonObject identifier = ctx.derivedIdentifier("Practitioner", display, prd.get(3, 1));
            Entry e = ctx.identified("Practitioner", identifier, false);
            fill(ctx, e, identifier, name, prd);
            return e.reference(display);
        }
        JsonObject identifier = new JsonObject().put("system",
                t.local(ctx.senderKey.replace('^', '.') + ".practitioner")).put("value", id);
        Entry e = ctx.identified("Practitioner", identifier, false);
        fill(ctx, e, identifier, name, prd);
        return e.reference(PersonTypes.displayName(name));
    }

    private static void fill(BundleContext ctx, Entry e, JsonObject identifier, JsonObject name, V2Segment prd) {
        JsonObject r = e.resource;
        if (r.has("identifier")) {
            return;
        }
        r.add("identifier", identifier);
        r.put("active", Boolean.TRUE);
        r.add("name", name);
        for (V2Composite xad : prd.repetitions(3)) {
            r.add("address", PersonTypes.address(ctx.types, xad));
        }
        for (V2Composite xtn : prd.repetitions(5)) {
            r.add("telecom", PersonTypes.contactPoint(ctx.types, xtn, "work"));
        }
    }
}
