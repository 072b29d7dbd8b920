package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * Specimens: SPM (IG SPM[Specimen]), else OBR-15 for v2.3-2.6, linked to the order and report they belong to.
 */
final class SpecimenMapper {

    private SpecimenMapper() {
    }

    /** SPM (IG SPM[Specimen]). */
    static void spm(BundleContext ctx, V2Segment spm) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Composite eip = spm.first(2);
        JsonObject placer = OrderMapper.scoped(ctx, t.identifierEI(eip.component(1), "PGN"), "specimen");
        JsonObject filler = OrderMapper.scoped(ctx, t.identifierEI(eip.component(2), "FGN"), "specimen");
        JsonObject key = filler != null ? filler : placer;
        if (key == null) {
            key = ctx.derivedIdentifier("Specimen", ctx.patientKey(),
                    ctx.serviceRequest == null ? ctx.messageKey("SPM") : ctx.serviceRequest.fullUrl,
                    String.valueOf(spm.get(1)));
        }
        Entry e = ctx.identified("Specimen", key, ctx.owns("ORU", "ORM", "OML"));
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(placer, filler, key));
        r.put("accessionIdentifier", t.identifier(spm.first(30)));
        r.put("status", t.mappedCode(spm.get(20), "specimen-availability"));
        r.put("type", t.codeableConcept(spm.first(4), "0487"));
        r.put("subject", ctx.patientRef());
        r.put("receivedTime", t.dateTime(spm, 18));
        V2Composite parent = spm.first(3);
        JsonObject parentId = t.identifierEI(parent.component(2), "FGN");
        if (parentId == null) {
            parentId = t.identifierEI(parent.component(1), "PGN");
        }
        if (parentId != null) {
            r.add("parent", new JsonObject().put("identifier", OrderMapper.scoped(ctx, parentId, "specimen")));
        }
        if (ctx.serviceRequest != null) {
            r.add("request", ctx.serviceRequest.reference());
        }
        JsonObject collection = new JsonObject();
        V2Composite dr = spm.first(17);
        String start = t.dateTime(dr.component(1).get(1), "SPM-17");
        String end = t.dateTime(dr.component(2).get(1), "SPM-17");
        if (end != null) {
            collection.put("collectedPeriod", new JsonObject().put("start", start).put("end", end));
        } else {
            collection.put("collectedDateTime", start);
        }
        V2Composite cq = spm.first(12);
        JsonNumber amount = JsonNumber.parseDecimal(cq.get(1));
        if (amount != null) {
            JsonObject q = new JsonObject().put("value", amount);
            V2Composite unit = cq.component(2);
            Quantities.addUnit(t, q, unit.get(1), unit.get(2), unit.get(3));
            collection.put("quantity", q);
        }
        collection.put("method", t.codeableConcept(spm.first(7), "0488"));
        collection.put("bodySite", t.codeableConcept(spm.first(8), "0163"));
        r.put("collection", collection);
        for (V2Composite c : spm.repetitions(24)) {
            r.add("condition", t.codeableConcept(c, "0493"));
        }
        JsonObject container = new JsonObject();
        container.put("type", t.codeableConcept(spm.first(27), "0785"));
        container.put("additiveCodeableConcept", t.codeableConcept(spm.first(6), "0371"));
        r.add("container", container);
        String description = spm.get(14);
        if (description != null) {
            r.add("note", new JsonObject().put("text", description));
        }
        linkSpecimen(ctx, e);
        ctx.notesTo(e, "note");
    }

    // ---------------------------------------------------------------- NTE

    /** OBR-15 (v2.3-2.6 specimen source) when no SPM segment describes the specimen. */
    static void fromObr(BundleContext ctx, V2Segment obr) {
        V2Composite sps = obr.first(15);
        if (sps.isEmpty() || ctx.msg.first("SPM") != null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject type = t.codeableConcept(sps.component(1), "0070");
        if (type == null && sps.get(1) != null) {
            type = new JsonObject().put("text", sps.get(1));
        }
        JsonObject id = ctx.derivedIdentifier("Specimen", ctx.patientKey(),
                ctx.serviceRequest == null ? "" : ctx.serviceRequest.fullUrl, "OBR-15");
        Entry e = ctx.identified("Specimen", id, ctx.owns("ORU", "ORM", "OML"));
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(id));
        r.put("type", type);
        r.put("subject", ctx.patientRef());
        JsonObject collection = new JsonObject();
        collection.put("collectedDateTime", t.dateTime(obr, 7));
        collection.put("bodySite", t.codeableConcept(sps.component(4), "0163"));
        r.put("collection", collection);
        if (ctx.serviceRequest != null) {
            r.add("request", ctx.serviceRequest.reference());
        }
        linkSpecimen(ctx, e);
    }

    private static void linkSpecimen(BundleContext ctx, Entry specimen) {
        ctx.specimen = specimen;
        if (ctx.diagnosticReport != null) {
            OrderMapper.addOnce(ctx.diagnosticReport.resource, "specimen", specimen.reference());
        }
        if (ctx.serviceRequest != null) {
            OrderMapper.addOnce(ctx.serviceRequest.resource, "specimen", specimen.reference());
        }
    }
}
