package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.regex.Pattern;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * FT1 (DFT^P03/P11, BAR) to ChargeItem, as Microsoft's FHIR-Converter does (the V2-to-FHIR IG has no FT1 map
 * yet). Only charges and credits (FT1-6 CG/CD, or no type) are ChargeItems; payments and adjustments (PY, AJ) are
 * accounting, not a charge for a service, and are not converted (docs/hl7-to-fhir-mapping.md).
 */
final class FinancialMapper {

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private FinancialMapper() {
    }

    static void ft1(BundleContext ctx, V2Segment ft1) {
        if (ctx.patient == null) {
            return;
        }
        String type = ft1.get(6);
        if (type != null && !"CG".equals(type) && !"CD".equals(type)) {
            ctx.notesTo(null, null);
            return;
        }
        DataTypes t = ctx.types;
        JsonObject code = t.codeableConcept(ft1.first(7), "0132");
        if (code == null) {
            throw new ConversionException("FT1-7 (transaction code) is empty in segment " + (ft1.position() + 1)
                    + "; ChargeItem.code is required");
        }
        String description = ft1.get(8);
        if (description != null) {
            code.putIfAbsent("text", description);
        }
        JsonObject identifier;
        String transactionId = ft1.get(2);
        if (transactionId != null) {
            identifier = new JsonObject().put("system", t.local(ctx.senderKey.replace('^', '.') + ".transaction"))
                    .put("value", transactionId);
        } else {
            // A charge without a transaction id is this message's own event: keyed by the message and FT1 set id.
            identifier = ctx.derivedIdentifier("ChargeItem", ctx.messageKey("FT1|" + ft1.get(1) + "|"
                    + ft1.position()));
        }
        Entry e = ctx.identified("ChargeItem", identifier, true);
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(identifier));
        r.put("status", "billable");
        r.put("code", code);
        r.put("subject", ctx.patientRef());
        r.put("context", ctx.encounterRef());
        V2Composite when = ft1.first(4);
        if (when.get(2) != null) {
            r.put("occurrencePeriod", t.period(when.get(1), when.get(2), "FT1-4"));
        } else {
            r.put("occurrenceDateTime", t.dateTime(when.get(1), "FT1-4"));
        }
        for (V2Composite xcn : ft1.repetitions(20)) {
            JsonObject actor = SharedResources.practitioner(ctx, xcn);
            if (actor != null) {
                r.add("performer", new JsonObject().put("actor", actor));
            }
        }
        JsonNumber quantity = JsonNumber.parseDecimal(ft1.get(10));
        if (quantity != null) {
            r.put("quantity", new JsonObject().put("value", quantity));
        }
        JsonObject price = money(ft1.first(11));
        r.put("priceOverride", price != null ? price : money(ft1.first(12)));
        JsonObject enterer = SharedResources.practitioner(ctx, ft1.first(24));
        r.put("enterer", enterer);
        r.put("enteredDate", t.dateTime(ft1, 5));
        for (V2Composite dx : ft1.repetitions(19)) {
            r.add("reason", t.codeableConcept(dx, null));
        }
        r.put("productCodeableConcept", t.codeableConcept(ft1.first(29), null));
        ctx.notesTo(e, "note");
    }

    /** CP (price: MO amount & currency as subcomponents of component 1) to Money. */
    private static JsonObject money(V2Composite cp) {
        if (cp == null || cp.isEmpty()) {
            return null;
        }
        JsonNumber value = JsonNumber.parseDecimal(cp.get(1, 1));
        if (value == null) {
            return null;
        }
        JsonObject money = new JsonObject().put("value", value);
        String currency = cp.get(1, 2);
        if (currency != null && CURRENCY.matcher(currency).matches()) {
            money.put("currency", currency);
        }
        return money;
    }
}
