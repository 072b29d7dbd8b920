package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * Pharmacy segments: RXA (Immunization, IG RXA[Immunization] and ORC[Immunization]), RXR (route and site), RXE and
 * RXO (MedicationRequest, IG RXO[MedicationRequest]) and the VXU observations that belong inside Immunization
 * (funding eligibility, funding source, VIS documents).
 */
final class ImmunizationMapper {

    private static final String V2_0443 = "http://terminology.hl7.org/CodeSystem/v2-0443";

    private ImmunizationMapper() {
    }

    /** RXA: one administered (or refused, or historical) dose. */
    static void rxa(BundleContext ctx, V2Segment rxa) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Segment orc = ctx.pendingOrc;
        ctx.orcConsumed = true;
        JsonObject vaccine = t.codeableConcept(rxa.first(5), null);
        if (vaccine == null) {
            throw new ConversionException("RXA-5 (administered code) is empty; Immunization.vaccineCode is required");
        }
        String when = t.requiredDateTime(rxa, 3);
        if (when == null) {
            throw new ConversionException("RXA-3 (administration start) is empty; Immunization.occurrence is required");
        }
        JsonObject filler = orc == null ? null : t.identifierEI(orc.first(3), "FILL");
        JsonObject placer = orc == null ? null : t.identifierEI(orc.first(2), "PLAC");
        for (JsonObject id : new JsonObject[] {filler, placer}) {
            if (id != null && id.getString("system") == null) {
                id.put("system", t.local(ctx.senderKey.replace('^', '.') + (id == filler ? ".filler" : ".placer")));
            }
        }
        JsonObject key = filler != null ? filler : placer;
        if (key == null) {
            key = ctx.derivedIdentifier("Immunization", ctx.patientKey(), firstCode(vaccine), rxa.get(3));
        }
        // Registries often repeat one ORC number for every dose: the vaccine and its date tell doses apart.
        Entry e = ctx.identified("Immunization", key, ctx.owns("VXU"), firstCode(vaccine) + "|" + rxa.get(3));
        ctx.immunization = e;
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(filler, placer, key));
        String completion = rxa.get(20);
        String status;
        if ("D".equals(rxa.get(21))) {
            status = "entered-in-error";
        } else {
            status = completion == null ? "completed" : t.mappedCode(completion, "completion-status");
            if (status == null) {
                status = "completed";
            }
        }
        r.put("status", status);
        if ("not-done".equals(status)) {
            r.put("statusReason", t.codeableConcept(rxa.first(18), null));
        }
        r.put("vaccineCode", vaccine);
        r.put("patient", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        r.put("occurrenceDateTime", when);
        r.put("recorded", t.dateTime(rxa, 22));
        V2Composite source = rxa.first(9);
        if (source.get(1) != null) {
            r.put("primarySource", "00".equals(source.get(1)));
            if (!"00".equals(source.get(1))) {
                r.put("reportOrigin", t.codeableConcept(source, null));
            }
        }
        JsonObject location = SharedResources.location(ctx, rxa.first(27), "RXA-27");
        if (location == null) {
            location = SharedResources.location(ctx, rxa.first(11), "RXA-11");
        }
        r.put("location", location);
        r.put("manufacturer", manufacturer(ctx, rxa.first(17)));
        r.put("lotNumber", rxa.get(15));
        r.put("expirationDate", t.date(rxa.get(16), "RXA-16"));
        JsonNumber amount = JsonNumber.parseDecimal(rxa.get(6));
        if (amount != null && !"999".equals(rxa.get(6))) {
            r.put("doseQuantity", Quantities.quantity(t, amount, rxa.first(7)));
        }
        JsonArray performers = new JsonArray();
        for (V2Composite xcn : rxa.repetitions(10)) {
            JsonObject ref = SharedResources.practitioner(ctx, xcn);
            if (ref != null) {
                performers.add(performer(ref, "AP", "Administering Provider"));
            }
        }
        if (orc != null) {
            for (V2Composite xcn : orc.repetitions(12)) {
                JsonObject ref = SharedResources.practitioner(ctx, xcn);
                if (ref != null) {
                    performers.add(performer(ref, "OP", "Ordering Provider"));
                }
            }
        }
        r.put("performer", performers);
        for (V2Composite reason : rxa.repetitions(19)) {
            r.add("reasonCode", t.codeableConcept(reason, null));
        }
        if ("PA".equals(completion)) {
            r.put("isSubpotent", Boolean.TRUE);
        }
        ctx.notesTo(e, "note");
    }

    private static JsonObject performer(JsonObject actor, String code, String display) {
        return new JsonObject().put("function", new JsonObject().add("coding", new JsonObject()
                .put("system", V2_0443).put("code", code).put("display", display))).put("actor", actor);
    }

    /** RXA-17 (MVX code) as the manufacturer Organization. */
    private static JsonObject manufacturer(BundleContext ctx, V2Composite cwe) {
        String code = cwe.get(1);
        String name = cwe.get(2);
        if (code == null && name == null) {
            return null;
        }
        JsonObject identifier = null;
        if (code != null) {
            String system = ctx.types.codingSystem(cwe.get(3) != null ? cwe.get(3) : "MVX");
            identifier = new JsonObject().put("system", system).put("value", code);
        }
        return SharedResources.organization(ctx, name != null ? name : code, identifier, null);
    }

    private static String firstCode(JsonObject cc) {
        Object coding = cc.get("coding");
        if (coding instanceof JsonArray && ((JsonArray) coding).size() > 0) {
            JsonObject c = (JsonObject) ((JsonArray) coding).get(0);
            return c.getString("system") + "|" + c.getString("code");
        }
        return cc.getString("text");
    }

    /** RXR: route and site of the current Immunization or MedicationRequest. */
    static void rxr(BundleContext ctx, V2Segment rxr) {
        DataTypes t = ctx.types;
        JsonObject route = t.mappedConcept(rxr.first(1), "route", "0162");
        JsonObject site = t.codeableConcept(rxr.first(2), "0163");
        if (ctx.immunization != null) {
            ctx.immunization.resource.put("route", route).put("site", site);
        } else if (ctx.medicationRequest != null) {
            JsonObject dosage = dosage(ctx.medicationRequest.resource);
            dosage.put("route", route).put("site", site);
        }
    }

    private static JsonObject dosage(JsonObject medicationRequest) {
        JsonArray dosages = medicationRequest.arr("dosageInstruction");
        if (dosages.size() == 0) {
            dosages.add(new JsonObject());
        }
        return (JsonObject) dosages.get(0);
    }

    /** The VXU observations whose meaning FHIR has a place for inside Immunization (CDC IIS guide codes). */
    static void fromObservation(BundleContext ctx, V2Segment obx, JsonObject code, JsonObject observation) {
        JsonObject imm = ctx.immunization.resource;
        String loinc = null;
        Object coding = code.get("coding");
        if (coding instanceof JsonArray) {
            JsonArray a = (JsonArray) coding;
            for (int i = 0; i < a.size(); i++) {
                JsonObject c = (JsonObject) a.get(i);
                if ("http://loinc.org".equals(c.getString("system"))) {
                    loinc = c.getString("code");
                }
            }
        }
        if (loinc == null) {
            return;
        }
        Object value = observation.get("valueCodeableConcept");
        String sub = obx.get(4) == null ? "" : obx.get(4);
        switch (loinc) {
            case "64994-7": // vaccine funding program eligibility
                imm.add("programEligibility", value);
                break;
            case "30963-3": // vaccine funding source
                imm.put("fundingSource", value);
                break;
            case "69764-9": // VIS document type (GDTI)
            case "30956-7": { // vaccine type the VIS is for
                JsonObject ed = education(ctx, sub);
                String doc = obx.get(5, 2) != null ? obx.get(5, 2) : obx.get(5, 1);
                if (loinc.equals("69764-9") || !ed.has("documentType")) {
                    ed.put("documentType", doc);
                }
                break;
            }
            case "29768-9": // VIS publication date
                education(ctx, sub).put("publicationDate", observation.get("valueDateTime"));
                break;
            case "29769-7": // VIS presentation date
                education(ctx, sub).put("presentationDate", observation.get("valueDateTime"));
                break;
            default:
                break;
        }
    }

    /** The education entry for an OBX-4 sub-id group, kept aside until it is known to have a document type. */
    private static JsonObject education(BundleContext ctx, String subId) {
        return ctx.educationGroups.computeIfAbsent(ctx.immunization, k -> new java.util.LinkedHashMap<>())
                .computeIfAbsent(subId, k -> new JsonObject());
    }

    /** Moves complete VIS groups into Immunization.education (imm-1 needs a document type or reference). */
    static void finish(BundleContext ctx) {
        ctx.educationGroups.forEach((immunization, groups) -> groups.values().forEach(ed -> {
            if (ed.getString("documentType") != null) {
                immunization.resource.add("education", ed);
            }
        }));
    }

    /** RXE (RDE^O11) or RXO (ORM^O01): a MedicationRequest from the order in the current ORC. */
    static void rxeOrRxo(BundleContext ctx, V2Segment rx) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        boolean rxe = rx.name().equals("RXE");
        V2Segment orc = ctx.pendingOrc;
        ctx.orcConsumed = true;
        JsonObject medication = t.codeableConcept(rx.first(rxe ? 2 : 1), null);
        if (medication == null) {
            throw new ConversionException(rx.name() + (rxe ? "-2" : "-1")
                    + " (give/requested code) is empty; MedicationRequest.medication is required");
        }
        JsonObject filler = orc == null ? null : t.identifierEI(orc.first(3), "FILL");
        JsonObject placer = orc == null ? null : t.identifierEI(orc.first(2), "PLAC");
        for (JsonObject id : new JsonObject[] {filler, placer}) {
            if (id != null && id.getString("system") == null) {
                id.put("system", t.local(ctx.senderKey.replace('^', '.') + (id == filler ? ".filler" : ".placer")));
            }
        }
        JsonObject key = placer != null ? placer : filler;
        if (key == null) {
            key = ctx.derivedIdentifier("MedicationRequest", ctx.patientKey(), firstCode(medication),
                    orc == null ? ctx.messageKey("RX") : String.valueOf(orc.get(9)));
        }
        Entry e = ctx.identified("MedicationRequest", key, ctx.owns("RDE", "ORM", "OMP"), firstCode(medication));
        ctx.medicationRequest = e;
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(placer, filler, key));
        r.put("status", medicationStatus(ctx, orc));
        r.put("intent", rxe ? "order" : "original-order");
        r.put("medicationCodeableConcept", medication);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        if (orc != null) {
            r.put("authoredOn", t.dateTime(orc, 9));
        }
        JsonObject requester = orc == null ? null : OrderMapper.firstPractitioner(ctx, orc, 12);
        if (requester == null && !rxe) {
            requester = OrderMapper.firstPractitioner(ctx, rx, 14);
        }
        r.put("requester", requester);

        JsonObject dosage = new JsonObject();
        JsonNumber min = JsonNumber.parseDecimal(rx.get(rxe ? 3 : 2));
        JsonNumber max = JsonNumber.parseDecimal(rx.get(rxe ? 4 : 3));
        V2Composite units = rx.first(rxe ? 5 : 4);
        dosage.add("doseAndRate", Quantities.doseAndRate(t, min, max, units));
        if (rxe) {
            String timing = rx.get(1, 2);
            dosage.put("text", timing == null ? null : "Interval: " + timing);
        }
        if (ctx.tq1 != null) {
            // TQ1 (v2.5+) bounds the dosing: start and end of the order's timing.
            JsonObject bounds = t.period(ctx.tq1.get(7), ctx.tq1.get(8), "TQ1-7/TQ1-8");
            if (bounds != null) {
                dosage.put("timing", new JsonObject().put("repeat", new JsonObject().put("boundsPeriod", bounds)));
            }
        }
        for (V2Composite instruction : rx.repetitions(rxe ? 7 : 6)) {
            dosage.add("additionalInstruction", t.codeableConcept(instruction, null));
        }
        r.add("dosageInstruction", dosage);

        JsonObject dispense = new JsonObject();
        JsonNumber quantity = JsonNumber.parseDecimal(rx.get(rxe ? 10 : 11));
        if (quantity != null) {
            dispense.put("quantity", Quantities.quantity(t, quantity, rx.first(rxe ? 11 : 12)));
        }
        dispense.put("numberOfRepeatsAllowed", DataTypes.unsignedInt(rx.get(rxe ? 12 : 13)));
        r.put("dispenseRequest", dispense);
        String substitution = rx.get(9);
        if ("N".equals(substitution)) {
            r.put("substitution", new JsonObject().put("allowedBoolean", Boolean.FALSE));
        } else if ("G".equals(substitution) || "T".equals(substitution)) {
            r.put("substitution", new JsonObject().put("allowedBoolean", Boolean.TRUE));
        }
        if (rxe) {
            for (V2Composite reason : rx.repetitions(27)) {
                r.add("reasonCode", t.codeableConcept(reason, null));
            }
        }
        ctx.notesTo(e, "note");
    }

    private static String medicationStatus(BundleContext ctx, V2Segment orc) {
        if (orc == null) {
            return "unknown";
        }
        String s = ctx.types.mappedCode(orc.get(5), "order-status");
        if (s == null) {
            s = ctx.types.mappedCode(orc.get(1), "order-control-status");
        }
        if (s == null) {
            return "unknown";
        }
        switch (s) {
            case "revoked":
                return "DC".equals(orc.get(1)) || "OD".equals(orc.get(1)) || "DC".equals(orc.get(5))
                        ? "stopped" : "cancelled";
            case "active":
            case "on-hold":
            case "completed":
            case "entered-in-error":
            case "draft":
                return s;
            default:
                return "unknown";
        }
    }
}
