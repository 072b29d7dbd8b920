package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * MSH and EVN: the Bundle's own elements (IG MSH[Bundle]), MessageHeader (IG MSH[MessageHeader], message and
 * collection bundles) and one Provenance for the message (IG MSH[Provenance-Source] with EVN[Provenance]).
 */
final class HeaderMapper {

    private static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    private HeaderMapper() {
    }

    /** URI naming the sending application and facility (Bundle.identifier.system, meta.source). */
    static String senderUri(BundleContext ctx, V2Composite app, V2Composite facility) {
        String a = app.get(1) != null ? app.get(1) : app.get(2);
        String f = facility.get(1) != null ? facility.get(1) : facility.get(2);
        return ctx.settings.localSystemPrefix() + Uris.encodePart(a == null ? "unknown" : a) + ":"
                + Uris.encodePart(f == null ? "unknown" : f);
    }

    static JsonObject bundleHead(BundleContext ctx) {
        V2Segment msh = ctx.msg.msh();
        JsonObject b = new JsonObject().put("resourceType", "Bundle");
        String controlId = ctx.msg.controlId();
        if (controlId != null) {
            b.put("identifier", new JsonObject()
                    .put("system", senderUri(ctx, msh.first(3), msh.first(4))).put("value", controlId));
        }
        b.put("type", ctx.settings.bundleType().code());
        b.put("timestamp", ctx.types.instant(msh.get(7), "MSH-7"));
        return b;
    }

    /** MessageHeader; must be the first entry of a message Bundle, so it is created before any other. */
    static Entry messageHeader(BundleContext ctx) {
        DataTypes t = ctx.types;
        V2Segment msh = ctx.msg.msh();
        Entry e = ctx.entry("MessageHeader", ctx.messageKey("MSH"));
        JsonObject r = e.resource;
        String processing = msh.get(11);
        if (processing != null) {
            r.put("meta", new JsonObject().add("tag", t.tableCoding(processing, "0103", null)));
        }
        JsonObject event = ctx.event.isEmpty()
                ? t.tableCoding(ctx.messageCode, "0076", null)
                : t.tableCoding(ctx.event, "0003", null);
        if (event == null) {
            event = new JsonObject().put("system", DataTypes.V2 + "0076").put("code", "ACK");
        }
        r.put("eventCoding", event);
        V2Composite receivingApp = msh.first(5);
        if (!receivingApp.isEmpty() || !msh.first(6).isEmpty()) {
            JsonObject destination = new JsonObject();
            destination.put("name", receivingApp.get(1));
            destination.put("endpoint", endpoint(ctx, receivingApp, msh.first(6)));
            destination.put("receiver", SharedResources.organizationFromHd(ctx, msh.first(6)));
            r.add("destination", destination);
        }
        r.put("sender", SharedResources.organizationFromHd(ctx, msh.first(4)));
        V2Composite sendingApp = msh.first(3);
        JsonObject source = new JsonObject().put("name", sendingApp.get(1));
        source.put("endpoint", endpoint(ctx, sendingApp, msh.first(4)));
        r.put("source", source);
        return e;
    }

    private static String endpoint(BundleContext ctx, V2Composite app, V2Composite facility) {
        String uid = app.get(2);
        String type = app.get(3);
        if (uid != null) {
            String system = ctx.types.identifierSystem(null, uid, type);
            if (system != null && (system.startsWith("urn:oid:") || system.startsWith("urn:uuid:")
                    || system.startsWith("http"))) {
                return system;
            }
        }
        return senderUri(ctx, app, facility);
    }

    /** MessageHeader.focus: the clinical resources the message is about (not the shared reference data). */
    static void focus(BundleContext ctx, Entry header) {
        JsonArray focus = new JsonArray();
        for (Entry e : ctx.entries()) {
            switch (e.type) {
                case "MessageHeader":
                case "Provenance":
                case "Practitioner":
                case "Organization":
                case "Location":
                    break;
                default:
                    focus.add(e.reference());
            }
        }
        header.resource.put("focus", focus);
    }

    /** One Provenance for the message: who sent it, when, why (EVN), and every resource it produced. */
    static void provenance(BundleContext ctx) {
        DataTypes t = ctx.types;
        V2Segment msh = ctx.msg.msh();
        V2Segment evn = ctx.evn;
        // Agents first: their Organization/Practitioner entries are then among the targets and precede this one.
        JsonObject senderOrg = SharedResources.organizationFromHd(ctx, msh.first(4));
        if (senderOrg == null) {
            String app = msh.get(3);
            senderOrg = new JsonObject().put("display", app != null ? app : "unknown sender");
        }
        JsonArray agents = new JsonArray().add(new JsonObject().put("type", new JsonObject().add("coding",
                new JsonObject().put("system", PARTICIPANT_TYPE).put("code", "author").put("display", "Author")))
                .put("who", senderOrg));
        if (evn != null) {
            for (V2Composite xcn : evn.repetitions(5)) {
                JsonObject operator = SharedResources.practitioner(ctx, xcn);
                if (operator != null) {
                    agents.add(new JsonObject().put("type", new JsonObject().add("coding", new JsonObject()
                            .put("system", PARTICIPANT_TYPE).put("code", "enterer").put("display", "Enterer")))
                            .put("who", operator));
                }
            }
        }
        JsonArray targets = new JsonArray();
        for (Entry e : ctx.entries()) {
            if (!e.type.equals("Provenance") && !e.type.equals("MessageHeader")) {
                targets.add(e.reference());
            }
        }
        if (targets.size() == 0) {
            return;
        }
        Entry e = ctx.entry("Provenance", ctx.messageKey("Provenance"));
        JsonObject r = e.resource;
        String sender = senderUri(ctx, msh.first(3), msh.first(4));
        String controlId = ctx.msg.controlId();
        String source = controlId == null ? sender : sender + "#" + Uris.encodePart(controlId);
        JsonObject meta = new JsonObject().put("source", source);
        if (controlId != null) {
            // what the conditional create below matches on: sender and control id as a tag
            meta.put("tag", new JsonArray().add(new JsonObject().put("system", sender).put("code", controlId)));
        }
        r.put("meta", meta);
        r.put("target", targets);
        String occurred = evn == null ? null : t.dateTime(evn, 6);
        r.put("occurredDateTime", occurred);
        String recorded = evn == null ? null : t.instant(evn.get(2), "EVN-2");
        if (recorded == null) {
            recorded = t.instant(msh.get(7), "MSH-7");
        }
        if (recorded == null) {
            recorded = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)
                    .withNano(0));
        }
        r.put("recorded", recorded);
        if (evn != null) {
            r.add("reason", t.codeableConcept(evn.first(4), "0062"));
        }
        r.put("activity", ctx.event.isEmpty() ? null : t.tableConcept(ctx.event, "0003"));
        r.put("agent", agents);
        String messageType = ctx.messageCode + (ctx.event.isEmpty() ? "" : "^" + ctx.event);
        r.add("entity", new JsonObject().put("role", "source").put("what", new JsonObject()
                .put("identifier", controlId == null ? null
                        : new JsonObject().put("system", sender).put("value", controlId))
                .put("display", "HL7 v2 " + messageType + " message")));
        if (ctx.settings.bundleType().hasRequests()) {
            // on the tag (sender | control id), not on _source: HAPI FHIR JPA refuses a conditional create on
            // _source=sender#id (HAPI-0539: it stores meta.source split at '#' into source URI and request id, so the
            // resource never matches its own URL); tags are matched in memory by servers that check
            e.createIfNoneExist(controlId == null ? "_source=" + Uris.queryValue(source)
                    : "_tag=" + Uris.token(sender, controlId));
        }
    }
}
