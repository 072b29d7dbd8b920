package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * What happens to a pharmacy order after it is placed: RXD (RDS^O13) to MedicationDispense, RXG (RGV^O15) to a
 * MedicationRequest of intent instance-order (one scheduled give of the order), RXA in RAS^O17 to
 * MedicationAdministration. Each points at the order's MedicationRequest when the message carries RXE/RXO.
 */
final class PharmacyEventMapper {

    private PharmacyEventMapper() {
    }

    /** RXD (IG-style RXD[MedicationDispense]). */
    static void rxd(BundleContext ctx, V2Segment rxd) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        ctx.orcConsumed = true;
        JsonObject medication = t.codeableConcept(rxd.first(2), null);
        if (medication == null) {
            throw new ConversionException("RXD-2 (dispense/give code) is empty in segment " + (rxd.position() + 1)
                    + "; MedicationDispense.medication is required");
        }
        JsonObject prescription = prescriptionNumber(ctx, rxd.get(7));
        JsonObject key = ctx.derivedIdentifier("MedicationDispense", ctx.patientKey(), orderKey(ctx),
                firstCode(medication), rxd.get(3), rxd.get(1));
        Entry e = ctx.identified("MedicationDispense", key, true);
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(key).add(prescription));
        r.put("status", "completed");
        r.put("medicationCodeableConcept", medication);
        r.put("subject", ctx.patientRef());
        r.put("context", ctx.encounterRef());
        if (ctx.medicationRequest != null) {
            r.add("authorizingPrescription", ctx.medicationRequest.reference());
        }
        JsonNumber amount = JsonNumber.parseDecimal(rxd.get(4));
        if (amount != null) {
            r.put("quantity", Quantities.quantity(t, amount, rxd.first(5)));
        }
        r.put("whenHandedOver", t.dateTime(rxd, 3));
        for (V2Composite xcn : rxd.repetitions(10)) {
            JsonObject actor = SharedResources.practitioner(ctx, xcn);
            if (actor != null) {
                r.add("performer", new JsonObject().put("actor", actor));
            }
        }
        JsonNumber doses = JsonNumber.parseDecimal(rxd.get(12));
        JsonObject daysSupply = null;
        if (doses != null && rxd.first(13).get(1) != null && "D".equals(rxd.get(13, 2))) {
            daysSupply = new JsonObject().put("value", doses).put("unit", "d")
                    .put("system", "http://unitsofmeasure.org").put("code", "d");
        }
        r.put("daysSupply", daysSupply);
        ctx.notesTo(e, "note");
    }

    /** RXG (pharmacy give): one scheduled give of the order, a MedicationRequest based on it. */
    static void rxg(BundleContext ctx, V2Segment rxg) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        ctx.orcConsumed = true;
        JsonObject medication = t.codeableConcept(rxg.first(4), null);
        if (medication == null) {
            throw new ConversionException("RXG-4 (give code) is empty in segment " + (rxg.position() + 1)
                    + "; MedicationRequest.medication is required");
        }
        JsonObject key = ctx.derivedIdentifier("MedicationRequest", ctx.patientKey(), orderKey(ctx), "give",
                rxg.get(1), rxg.get(2), firstCode(medication));
        Entry e = ctx.identified("MedicationRequest", key, true);
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(key));
        r.put("status", "active");
        r.put("intent", "instance-order");
        r.put("medicationCodeableConcept", medication);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        if (ctx.medicationRequest != null && ctx.medicationRequest != e) {
            r.add("basedOn", ctx.medicationRequest.reference());
        }
        JsonObject dosage = new JsonObject();
        JsonNumber min = JsonNumber.parseDecimal(rxg.get(5));
        JsonNumber max = JsonNumber.parseDecimal(rxg.get(6));
        V2Composite units = rxg.first(7);
        dosage.add("doseAndRate", Quantities.doseAndRate(t, min, max, units));
        for (V2Composite instruction : rxg.repetitions(9)) {
            dosage.add("additionalInstruction", t.codeableConcept(instruction, null));
        }
        r.add("dosageInstruction", dosage);
        ctx.notesTo(e, "note");
    }

    /** RXA in RAS^O17 (IG ORC[MedicationAdministration] with RXA): a MedicationAdministration. */
    static void rxa(BundleContext ctx, V2Segment rxa) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        ctx.orcConsumed = true;
        JsonObject medication = t.codeableConcept(rxa.first(5), null);
        if (medication == null) {
            throw new ConversionException("RXA-5 (administered code) is empty in segment " + (rxa.position() + 1)
                    + "; MedicationAdministration.medication is required");
        }
        String start = t.requiredDateTime(rxa, 3);
        String end = t.dateTime(rxa, 4);
        if (start == null) {
            throw new ConversionException("RXA-3 (start of administration) is empty in segment "
                    + (rxa.position() + 1) + "; MedicationAdministration.effective is required");
        }
        JsonObject key = ctx.derivedIdentifier("MedicationAdministration", ctx.patientKey(), orderKey(ctx),
                rxa.get(3), rxa.get(1), rxa.get(2), firstCode(medication));
        Entry e = ctx.identified("MedicationAdministration", key, true);
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(key));
        String status = t.mappedCode(rxa.get(20), "completion-status");
        r.put("status", status != null ? status : "completed");
        r.put("medicationCodeableConcept", medication);
        r.put("subject", ctx.patientRef());
        r.put("context", ctx.encounterRef());
        if (end != null && !end.equals(start)) {
            r.put("effectivePeriod", new JsonObject().put("start", start).put("end", end));
        } else {
            r.put("effectiveDateTime", start);
        }
        for (V2Composite xcn : rxa.repetitions(10)) {
            JsonObject actor = SharedResources.practitioner(ctx, xcn);
            if (actor != null) {
                r.add("performer", new JsonObject().put("actor", actor));
            }
        }
        for (V2Composite reason : rxa.repetitions(19)) {
            r.add("reasonCode", t.codeableConcept(reason, null));
        }
        if ("not-done".equals(r.getString("status"))) {
            for (V2Composite reason : rxa.repetitions(18)) {
                r.add("statusReason", t.codeableConcept(reason, null));
            }
        }
        if (ctx.medicationRequest != null) {
            r.put("request", ctx.medicationRequest.reference());
        }
        JsonNumber dose = JsonNumber.parseDecimal(rxa.get(6));
        if (dose != null && !"999".equals(rxa.get(6))) {
            r.put("dosage", new JsonObject().put("dose", Quantities.quantity(t, dose, rxa.first(7))));
        }
        ctx.notesTo(e, "note");
    }

    private static JsonObject prescriptionNumber(BundleContext ctx, String number) {
        if (number == null) {
            return null;
        }
        return new JsonObject().put("system", ctx.types.local(ctx.senderKey.replace('^', '.') + ".prescription"))
                .put("value", number);
    }

    /** The current order's placer (else filler) number, else the message: scopes derived keys to the order. */
    private static String orderKey(BundleContext ctx) {
        V2Segment orc = ctx.pendingOrc;
        if (orc != null && orc.get(2) != null) {
            return "P|" + orc.get(2) + "|" + orc.get(2, 2);
        }
        if (orc != null && orc.get(3) != null) {
            return "F|" + orc.get(3) + "|" + orc.get(3, 2);
        }
        return ctx.messageKey("order" + ctx.orderIndex);
    }

    private static String firstCode(JsonObject cc) {
        Object coding = cc.get("coding");
        if (coding instanceof JsonArray && ((JsonArray) coding).size() > 0) {
            JsonObject c = (JsonObject) ((JsonArray) coding).get(0);
            return c.getString("system") + "|" + c.getString("code");
        }
        return String.valueOf(cc.getString("text"));
    }
}
