package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * Results: OBX to an Observation (or, for encapsulated data outside MDM, a DocumentReference), per the IG segment
 * maps: its identity within the order, category, reference range and links to the report or order. OBX-5 itself
 * is mapped by {@link ObservationValues}.
 */
final class ObservationMapper {

    /** OBX-7 "4.3-6.2", "4.3 - 6.2", "4.3 to 6.2" (also with a trailing unit or a "(" note after the numbers). */
    private static final Pattern RANGE = Pattern.compile(
            "\\s*(-?\\d*\\.?\\d+)\\s*(?:-|\u2013|to|TO|To)\\s*(-?\\d*\\.?\\d+)\\s*");
    /** OBX-7 "<5", "<=5", ">10", ">= 10": one bound. */
    private static final Pattern BOUND = Pattern.compile("\\s*(<=|>=|<|>)\\s*(-?\\d*\\.?\\d+)\\s*");
    private static final Set<String> LAB_SECTIONS = Set.of("LAB", "CH", "HM", "MB", "SR", "BLB", "SP", "CP",
            "MCB", "MYC", "PAR", "VR", "TX", "URN", "CG", "OSL", "AU", "BG", "PAT", "IMM", "HLA");
    private static final Set<String> IMAGING_SECTIONS = Set.of("RAD", "CT", "NMR", "NMS", "OUS", "VUS", "CUS",
            "RUS", "XRC", "IMG", "CTH", "EC");
    /** LOINC codes of the FHIR R4 vital signs profiles. */
    private static final Set<String> VITAL_SIGNS = Set.of("85353-1", "9279-1", "8867-4", "2708-6", "59408-5",
            "8310-5", "8302-2", "9843-4", "29463-7", "39156-5", "85354-9", "8480-6", "8462-4");
    private static final String LOINC = "http://loinc.org";

    private ObservationMapper() {
    }

    static void obx(BundleContext ctx, V2Segment obx) {
        if (ctx.patient == null) {
            return;
        }
        if (ctx.owns("MDM")) {
            DocumentMapper.obx(ctx, obx);
            return;
        }
        String type = valueType(obx);
        if ("ED".equals(type) || ("RP".equals(type) && isUrl(obx.get(5)))) {
            encapsulated(ctx, obx, type);
            return;
        }
        DataTypes t = ctx.types;
        JsonObject code = t.codeableConcept(obx.first(3), null);
        if (code == null) {
            throw new ConversionException("OBX-3 (observation identifier) is empty in segment "
                    + (obx.position() + 1) + "; Observation.code is required");
        }
        JsonObject identifier = t.identifierEI(obx.first(21), "FILL");
        if (identifier != null) {
            OrderMapper.scoped(ctx, identifier, "observation");
        } else {
            identifier = ctx.derivedIdentifier("Observation", observationKey(ctx, obx, code));
        }
        Entry e = ownEntry(ctx, "Observation", identifier, !ctx.owns("ORM", "OML", "SIU"), obx, code);
        ctx.observation = e;
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(identifier));
        if (ctx.immunization != null) {
            r.add("partOf", ctx.immunization.reference());
        }
        String status = t.mappedCode(obx.get(11), "observation-status");
        r.put("status", status != null ? status : "unknown");
        JsonObject category = category(ctx, code);
        if (category != null) {
            r.add("category", category);
        }
        r.put("code", code);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        String effective = t.dateTime(obx, 14);
        if (effective == null && ctx.obr != null) {
            effective = t.dateTime(ctx.obr, 7);
        }
        if (effective == null && ctx.immunization != null) {
            effective = ctx.immunization.resource.getString("occurrenceDateTime");
        }
        r.put("effectiveDateTime", effective);
        if (ctx.obr != null) {
            r.put("issued", t.instant(ctx.obr.get(22), "OBR-22"));
        }
        for (V2Composite xcn : obx.repetitions(16)) {
            r.add("performer", SharedResources.practitioner(ctx, xcn));
        }
        JsonObject lab = SharedResources.organization(ctx, obx.first(23));
        if (lab != null) {
            r.add("performer", lab);
        }
        ObservationValues.value(ctx, r, obx, type);
        for (V2Composite flag : obx.repetitions(8)) {
            r.add("interpretation", t.mappedConcept(flag, "interpretation", "0078"));
        }
        String range = obx.get(7);
        if (range != null) {
            r.add("referenceRange", referenceRange(ctx, range, r.get("valueQuantity"), obx));
        }
        r.put("method", t.codeableConcept(obx.first(17), null));
        r.put("bodySite", t.codeableConcept(obx.first(20), "0163"));
        if (ctx.specimen != null) {
            r.put("specimen", ctx.specimen.reference());
        }
        if ("N".equals(obx.get(11)) && !hasValue(r)) {
            r.put("dataAbsentReason", new JsonObject().add("coding", new JsonObject()
                    .put("system", "http://terminology.hl7.org/CodeSystem/data-absent-reason")
                    .put("code", "not-asked").put("display", "Not Asked")));
        }
        if (ctx.diagnosticReport != null) {
            OrderMapper.addOnce(ctx.diagnosticReport.resource, "result", e.reference());
        } else if (ctx.serviceRequest != null && ctx.owns("ORM", "OML")) {
            OrderMapper.addOnce(ctx.serviceRequest.resource, "supportingInfo", e.reference());
        }
        if (ctx.immunization != null) {
            ImmunizationMapper.fromObservation(ctx, obx, code, r);
        }
        ctx.notesTo(e, "note");
    }

    /**
     * The entry of one OBX: OBX-21 may be shared by several OBX segments (real feeds repeat the order's number
     * there), and each OBX is an item of its own: told apart by OBX-3 and OBX-4, else by its position.
     */
    private static Entry ownEntry(BundleContext ctx, String type, JsonObject identifier, boolean authoritative,
                                  V2Segment obx, JsonObject code) {
        String discriminator = firstCodingKey(code) + "|" + nz(obx.get(4));
        Entry e = ctx.identified(type, identifier, authoritative, discriminator);
        if (e.source != obx) {
            e = ctx.identified(type, identifier, authoritative, discriminator + "|" + (obx.position() + 1));
        }
        return e;
    }

    /**
     * OBX-7 to a referenceRange: low/high from "4.3-6.2", "4.3 to 6.2", "<5" (high only), ">10" (low only), in
     * the unit of the value (else OBX-6); the text is always kept.
     */
    static JsonObject referenceRange(BundleContext ctx, String range, Object value, V2Segment obx) {
        JsonObject rr = new JsonObject();
        Matcher m = RANGE.matcher(range);
        Matcher b = m.matches() ? null : BOUND.matcher(range);
        if (m.matches() || b.matches()) {
            JsonObject unit = value instanceof JsonObject ? (JsonObject) value
                    : Quantities.quantity(ctx.types, null, obx.first(6));
            if (m.matches()) {
                JsonNumber low = JsonNumber.parseDecimal(m.group(1));
                JsonNumber high = JsonNumber.parseDecimal(m.group(2));
                if (low != null && high != null
                        && new BigDecimal(low.toString()).compareTo(new BigDecimal(high.toString())) <= 0) {
                    rr.put("low", ObservationValues.simpleQuantity(low, unit));
                    rr.put("high", ObservationValues.simpleQuantity(high, unit));
                }
            } else {
                rr.put(b.group(1).startsWith("<") ? "high" : "low",
                        ObservationValues.simpleQuantity(JsonNumber.parseDecimal(b.group(2)), unit));
            }
        }
        return rr.put("text", range);
    }

    private static boolean hasValue(JsonObject r) {
        for (String k : new String[] {"valueQuantity", "valueString", "valueCodeableConcept", "valueDateTime",
                "valueTime", "valueRange", "valueRatio", "valuePeriod", "component"}) {
            if (r.has(k)) {
                return true;
            }
        }
        return false;
    }

    private static String valueType(V2Segment obx) {
        String type = obx.get(2);
        return type == null ? "" : type.toUpperCase(Locale.ROOT);
    }

    /**
     * The observation's identity when OBX-21 is empty: the order (filler, else placer) with OBX-3 and OBX-4, the
     * identity v2 itself gives a result; outside an order, the patient, visit, code and time.
     */
    private static String observationKey(BundleContext ctx, V2Segment obx, JsonObject code) {
        String codeKey = firstCodingKey(code);
        String order;
        if (ctx.diagnosticReport != null) {
            order = ctx.diagnosticReport.key;
        } else if (ctx.serviceRequest != null) {
            order = ctx.serviceRequest.key;
        } else if (ctx.immunization != null) {
            order = ctx.immunization.fullUrl;
        } else {
            order = ctx.patientKey() + "|" + ctx.encounterKey() + "|" + nz(obx.get(14));
        }
        String base = order + "|" + codeKey + "|" + nz(obx.get(4));
        if (!ctx.observationKeys.add(base)) {
            // The same code and sub-id twice in one order (e.g. narrative lines): the set id tells them apart.
            base = base + "|" + nz(obx.get(1)) + "|" + obx.position();
            ctx.observationKeys.add(base);
        }
        return base;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String firstCodingKey(JsonObject cc) {
        Object coding = cc.get("coding");
        if (coding instanceof JsonArray && ((JsonArray) coding).size() > 0) {
            JsonObject c = (JsonObject) ((JsonArray) coding).get(0);
            return c.getString("system") + "|" + c.getString("code");
        }
        return String.valueOf(cc.getString("text"));
    }

    private static JsonObject category(BundleContext ctx, JsonObject code) {
        String cat = null;
        Object coding = code.get("coding");
        if (coding instanceof JsonArray) {
            JsonArray a = (JsonArray) coding;
            for (int i = 0; i < a.size(); i++) {
                JsonObject c = (JsonObject) a.get(i);
                if (LOINC.equals(c.getString("system")) && VITAL_SIGNS.contains(c.getString("code"))) {
                    cat = "vital-signs";
                }
            }
        }
        if (cat == null && ctx.obr != null) {
            String section = ctx.obr.get(24);
            if (section != null && LAB_SECTIONS.contains(section)) {
                cat = "laboratory";
            } else if (section != null && IMAGING_SECTIONS.contains(section)) {
                cat = "imaging";
            } else if (section == null && ctx.owns("ORU")) {
                cat = "laboratory";
            }
        }
        if (cat == null) {
            return null;
        }
        return new JsonObject().add("coding", new JsonObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/observation-category").put("code", cat));
    }

    private static boolean isUrl(String s) {
        return s != null && (s.startsWith("http://") || s.startsWith("https://") || s.startsWith("ftp://"));
    }

    /**
     * OBX with ED (or RP pointing at a URL) outside MDM: a DocumentReference holding the attachment (IG
     * OBX[DocumentReference]), related to the report or order it came with.
     */
    private static void encapsulated(BundleContext ctx, V2Segment obx, String type) {
        DataTypes t = ctx.types;
        JsonObject code = t.codeableConcept(obx.first(3), null);
        JsonObject identifier = t.identifierEI(obx.first(21), "FILL");
        if (identifier != null) {
            OrderMapper.scoped(ctx, identifier, "observation");
        } else {
            identifier = ctx.derivedIdentifier("DocumentReference",
                    observationKey(ctx, obx, code != null ? code : new JsonObject().put("text", "ED")));
        }
        Entry e = ownEntry(ctx, "DocumentReference", identifier, true, obx,
                code != null ? code : new JsonObject().put("text", "ED"));
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(identifier));
        r.put("status", "current");
        String status = t.mappedCode(obx.get(11), "observation-status");
        if ("final".equals(status) || "amended".equals(status) || "corrected".equals(status)) {
            r.put("docStatus", status.equals("final") ? "final" : "amended");
        } else if ("preliminary".equals(status)) {
            r.put("docStatus", "preliminary");
        }
        r.put("type", code);
        r.put("subject", ctx.patientRef());
        r.put("date", t.instant(obx.get(14), "OBX-14"));
        JsonObject attachment;
        if (type.equals("ED")) {
            attachment = DocumentMapper.attachment(ctx, obx.first(5), "OBX-5");
        } else {
            attachment = new JsonObject().put("url", obx.get(5));
        }
        r.add("content", new JsonObject().put("attachment", attachment));
        JsonObject context = new JsonObject();
        context.add("encounter", ctx.encounterRef());
        if (ctx.diagnosticReport != null) {
            context.add("related", ctx.diagnosticReport.reference());
        } else if (ctx.serviceRequest != null) {
            context.add("related", ctx.serviceRequest.reference());
        }
        r.put("context", context);
        ctx.observation = null;
        ctx.notesTo(e, "content");
    }
}
