package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * ODS (OMD^O03 diet order) to NutritionOrder: the ODS of one ORC group build one order. ODS-1 says what each is:
 * D diet (oralDiet.type), S supplement (supplement), P preference (foodPreferenceModifier); ODS-4 instructions.
 */
final class DietMapper {

    private DietMapper() {
    }

    static void ods(BundleContext ctx, V2Segment ods) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        Entry e = ctx.families.nutritionOrder;
        if (e == null) {
            e = open(ctx);
            ctx.families.nutritionOrder = e;
        }
        JsonObject r = e.resource;
        String kind = DataTypes.code(ods.get(1));
        StringBuilder instruction = new StringBuilder();
        for (V2Composite text : ods.repetitions(4)) {
            if (text.get(1) != null) {
                instruction.append(instruction.length() == 0 ? "" : "; ").append(text.get(1));
            }
        }
        for (V2Composite cwe : ods.repetitions(3)) {
            JsonObject concept = t.codeableConcept(cwe, null);
            if (concept == null) {
                continue;
            }
            if ("S".equals(kind)) {
                r.add("supplement", new JsonObject().put("type", concept)
                        .put("instruction", instruction.length() == 0 ? null : instruction.toString()));
            } else if ("P".equals(kind)) {
                r.add("foodPreferenceModifier", concept);
            } else {
                oralDiet(r).add("type", concept);
            }
        }
        if (instruction.length() > 0 && !"S".equals(kind)) {
            JsonObject diet = oralDiet(r);
            String before = diet.getString("instruction");
            diet.put("instruction", before == null ? instruction.toString() : before + "; " + instruction);
        }
        ctx.notesTo(e, "note");
    }

    /** nor-1: a NutritionOrder holds an oral diet, a supplement or a formula; preferences alone give an oralDiet. */
    static void finish(BundleContext ctx) {
        for (Entry e : ctx.entries()) {
            if (e.type.equals("NutritionOrder") && !e.resource.has("oralDiet") && !e.resource.has("supplement")) {
                e.resource.put("oralDiet", new JsonObject().put("instruction",
                        "Food preferences only (ODS-1 P); see foodPreferenceModifier"));
            }
        }
    }

    private static JsonObject oralDiet(JsonObject r) {
        Object diet = r.get("oralDiet");
        if (diet instanceof JsonObject) {
            return (JsonObject) diet;
        }
        JsonObject created = new JsonObject();
        r.put("oralDiet", created);
        return created;
    }

    private static Entry open(BundleContext ctx) {
        DataTypes t = ctx.types;
        V2Segment orc = ctx.pendingOrc;
        ctx.orcConsumed = true;
        JsonObject placer = orc == null ? null : t.identifierEI(orc.first(2), "PLAC");
        JsonObject filler = orc == null ? null : t.identifierEI(orc.first(3), "FILL");
        for (JsonObject id : new JsonObject[] {placer, filler}) {
            if (id != null && id.getString("system") == null) {
                id.put("system", t.local(ctx.senderKey.replace('^', '.') + (id == placer ? ".placer" : ".filler")));
            }
        }
        JsonObject key = placer != null ? placer : filler;
        if (key == null) {
            key = ctx.derivedIdentifier("NutritionOrder", ctx.patientKey(), ctx.messageKey("diet" + ctx.orderIndex));
        }
        Entry e = ctx.identified("NutritionOrder", key, ctx.owns("OML"));
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(placer, filler, key));
        String status = orc == null ? null : t.mappedCode(orc.get(5), "order-status");
        if (status == null && orc != null) {
            status = t.mappedCode(orc.get(1), "order-control-status");
        }
        r.put("status", status != null && !"unknown".equals(status) ? status : "active");
        r.put("intent", "order");
        r.put("patient", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        String when = orc == null ? null : t.dateTime(orc, 9);
        if (when == null && ctx.tq1 != null) {
            when = t.dateTime(ctx.tq1, 7);
        }
        if (when == null) {
            when = t.dateTime(ctx.msg.msh(), 7);
        }
        r.put("dateTime", when);
        r.put("orderer", orc == null ? null : OrderMapper.firstPractitioner(ctx, orc, 12));
        return e;
    }

}
