package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Time;

/**
 * Orders and results: ORC, OBR, TQ1 (ServiceRequest, DiagnosticReport), OBX (Observation, or a DocumentReference
 * for encapsulated data), SPM (Specimen), RXA/RXR (Immunization), RXE/RXO (MedicationRequest) and NTE (notes), per
 * the IG segment maps.
 */
final class OrderMapper {

    private static final String V2_0203 = "PLAC";
    /** OBX-7 "4.3-6.2", "4.3 - 6.2", "4.3 to 6.2" (also with a trailing unit or a "(" note after the numbers). */
    private static final Pattern RANGE = Pattern.compile(
            "\\s*(-?\\d*\\.?\\d+)\\s*(?:-|\u2013|to|TO|To)\\s*(-?\\d*\\.?\\d+)\\s*");
    /** OBX-7 "<5", "<=5", ">10", ">= 10": one bound. */
    private static final Pattern BOUND = Pattern.compile("\\s*(<=|>=|<|>)\\s*(-?\\d*\\.?\\d+)\\s*");
    private static final Pattern COMPARED = Pattern.compile("\\s*(<=|>=|<|>)\\s*(-?\\d*\\.?\\d+)\\s*");
    private static final Set<String> LAB_SECTIONS = Set.of("LAB", "CH", "HM", "MB", "SR", "BLB", "SP", "CP",
            "MCB", "MYC", "PAR", "VR", "TX", "URN", "CG", "OSL", "AU", "BG", "PAT", "IMM", "HLA");
    private static final Set<String> IMAGING_SECTIONS = Set.of("RAD", "CT", "NMR", "NMS", "OUS", "VUS", "CUS",
            "RUS", "XRC", "IMG", "CTH", "EC");
    /** LOINC codes of the FHIR R4 vital signs profiles. */
    private static final Set<String> VITAL_SIGNS = Set.of("85353-1", "9279-1", "8867-4", "2708-6", "59408-5",
            "8310-5", "8302-2", "9843-4", "29463-7", "39156-5", "85354-9", "8480-6", "8462-4");
    private static final String LOINC = "http://loinc.org";

    private OrderMapper() {
    }

    // ---------------------------------------------------------------- ORC / OBR / TQ1

    /** ORC opens an order group; what it becomes depends on the detail segment that follows. */
    static void orc(BundleContext ctx, V2Segment orc) {
        flush(ctx);
        ctx.pendingOrc = orc;
        ctx.orcConsumed = false;
        ctx.serviceRequest = null;
        ctx.diagnosticReport = null;
        ctx.obr = null;
        ctx.observation = null;
        ctx.specimen = null;
        ctx.immunization = null;
        ctx.medicationRequest = null;
        ctx.tq1 = null;
        ctx.orderIndex++;
        ctx.notesTo(null, null);
    }

    /** An ORC no detail segment used still is an order (e.g. a cancellation): a ServiceRequest. */
    static void flush(BundleContext ctx) {
        V2Segment orc = ctx.pendingOrc;
        if (orc != null && !ctx.orcConsumed && ctx.patient != null && ctx.owns("ORM", "OML", "ORU", "MDM")) {
            serviceRequest(ctx, orc, null);
        }
        ctx.pendingOrc = null;
    }

    static void obr(BundleContext ctx, V2Segment obr) {
        if (ctx.patient == null) {
            return;
        }
        V2Segment orc = ctx.pendingOrc;
        if (orc == null || ctx.obr != null) {
            // A further OBR in the same ORC group (or none): a new order of its own.
            if (ctx.obr != null) {
                orc = null;
                ctx.orderIndex++;
            }
            ctx.diagnosticReport = null;
            ctx.observation = null;
            ctx.specimen = null;
        }
        ctx.orcConsumed = true;
        ctx.obr = obr;
        Entry sr = serviceRequest(ctx, orc, obr);
        if (ctx.owns("ORU")) {
            diagnosticReport(ctx, orc, obr, sr);
        }
        specimenFromObr(ctx, obr);
        ctx.notesTo(sr, "note");
    }

    private static JsonObject placer(BundleContext ctx, V2Segment orc, V2Segment obr) {
        JsonObject id = orc != null ? ctx.types.identifierEI(orc.first(2), V2_0203) : null;
        if (id == null && obr != null) {
            id = ctx.types.identifierEI(obr.first(2), V2_0203);
        }
        return scoped(ctx, id, "placer");
    }

    private static JsonObject filler(BundleContext ctx, V2Segment orc, V2Segment obr) {
        JsonObject id = obr != null ? ctx.types.identifierEI(obr.first(3), "FILL") : null;
        if (id == null && orc != null) {
            id = ctx.types.identifierEI(orc.first(3), "FILL");
        }
        return scoped(ctx, id, "filler");
    }

    /** An order number without an assigning authority is only unique within its sender. */
    private static JsonObject scoped(BundleContext ctx, JsonObject id, String kind) {
        if (id != null && id.getString("system") == null) {
            id.put("system", ctx.types.local(ctx.senderKey.replace('^', '.') + "." + kind));
        }
        return id;
    }

    private static Entry serviceRequest(BundleContext ctx, V2Segment orc, V2Segment obr) {
        DataTypes t = ctx.types;
        JsonObject placer = placer(ctx, orc, obr);
        JsonObject filler = filler(ctx, orc, obr);
        JsonObject key = placer != null ? placer : filler;
        if (key == null) {
            key = ctx.derivedIdentifier("ServiceRequest", ctx.patientKey(), ctx.messageKey("order-" + ctx.orderIndex));
        }
        // Several OBRs under one placer/filler number with different tests are distinct orders (real feeds do
        // this): the service code tells them apart.
        Entry e = ctx.identified("ServiceRequest", key, ctx.owns("ORM", "OML"), serviceCode(ctx, obr));
        ctx.serviceRequest = e;
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(placer, filler, key));
        if (orc != null) {
            JsonObject group = t.identifierEI(orc.first(4), "PGN");
            r.put("requisition", scoped(ctx, group, "group"));
        }
        r.put("status", requestStatus(ctx, orc));
        String intent = "order";
        if (obr != null && "G".equals(obr.get(11))) {
            intent = "reflex-order";
        }
        r.put("intent", intent);
        if (obr != null) {
            r.put("code", t.codeableConcept(obr.first(4), null));
        }
        String priority = null;
        if (obr != null) {
            priority = t.mappedCode(obr.get(5), "priority");
        }
        if (priority == null && orc != null) {
            priority = t.mappedCode(orc.get(7, 6), "priority");
        }
        r.put("priority", priority);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        String occurrence = obr != null ? t.dateTime(obr, 6) : null;
        // ORC-7 (else OBR-27, v2.3-2.4) quantity/timing: with an end (TQ.5) the order covers a period.
        V2Composite tq = orc != null && !orc.first(7).isEmpty() ? orc.first(7) : obr != null ? obr.first(27) : null;
        String tqWhere = orc != null && !orc.first(7).isEmpty() ? "ORC-7" : "OBR-27";
        String tqEnd = tq == null ? null : t.dateTime(tq.get(5), tqWhere + ".5");
        if (tqEnd != null) {
            r.put("occurrencePeriod", new JsonObject().put("start", t.dateTime(tq.get(4), tqWhere + ".4"))
                    .put("end", tqEnd));
        } else {
            if (occurrence == null && tq != null) {
                occurrence = t.dateTime(tq.get(4), tqWhere + ".4");
            }
            r.put("occurrenceDateTime", occurrence);
        }
        if (orc != null) {
            r.put("authoredOn", t.dateTime(orc, 9));
        }
        JsonObject requester = orc != null ? firstPractitioner(ctx, orc, 12) : null;
        if (requester == null && obr != null) {
            requester = firstPractitioner(ctx, obr, 16);
        }
        r.put("requester", requester);
        if (obr != null) {
            for (V2Composite reason : obr.repetitions(31)) {
                r.add("reasonCode", t.codeableConcept(reason, null));
            }
        }
        applyTiming(ctx, e);
        return e;
    }

    /** OBR-4 as an identity discriminator (first coding system|code, else text); null without an OBR. */
    private static String serviceCode(BundleContext ctx, V2Segment obr) {
        if (obr == null) {
            return null;
        }
        V2Composite c = obr.first(4);
        if (c.isEmpty()) {
            return null;
        }
        String code = c.get(1) != null ? c.get(3) + "|" + c.get(1) : c.get(4) != null ? c.get(6) + "|" + c.get(4)
                : c.get(2);
        return code;
    }

    private static String requestStatus(BundleContext ctx, V2Segment orc) {
        if (orc == null) {
            return ctx.owns("ORU") ? "completed" : "unknown";
        }
        String s = ctx.types.mappedCode(orc.get(5), "order-status");
        if (s == null) {
            s = ctx.types.mappedCode(orc.get(1), "order-control-status");
        }
        return s != null ? s : "unknown";
    }

    static JsonObject firstPractitioner(BundleContext ctx, V2Segment s, int field) {
        for (V2Composite xcn : s.repetitions(field)) {
            JsonObject ref = ctx.practitioner(xcn);
            if (ref != null) {
                return ref;
            }
        }
        return null;
    }

    private static void diagnosticReport(BundleContext ctx, V2Segment orc, V2Segment obr, Entry sr) {
        DataTypes t = ctx.types;
        JsonObject filler = filler(ctx, orc, obr);
        JsonObject placer = placer(ctx, orc, obr);
        JsonObject key = filler != null ? filler : placer;
        if (key == null) {
            key = ctx.derivedIdentifier("DiagnosticReport", ctx.patientKey(),
                    ctx.messageKey("order-" + ctx.orderIndex));
        }
        Entry e = ctx.identified("DiagnosticReport", key, true, serviceCode(ctx, obr));
        ctx.diagnosticReport = e;
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(filler, placer, key));
        r.add("basedOn", sr.reference());
        String status = t.mappedCode(obr.get(25), "result-status");
        r.put("status", status != null ? status : "unknown");
        String section = obr.get(24);
        if (section != null) {
            r.add("category", t.tableConcept(section, "0074"));
        }
        JsonObject code = t.codeableConcept(obr.first(4), null);
        if (code == null) {
            throw new ConversionException("OBR-4 (universal service identifier) is empty; "
                    + "DiagnosticReport.code is required");
        }
        r.put("code", code);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        String start = t.dateTime(obr, 7);
        String end = t.dateTime(obr, 8);
        if (end != null) {
            r.put("effectivePeriod", new JsonObject().put("start", start).put("end", end));
        } else {
            r.put("effectiveDateTime", start);
        }
        r.put("issued", t.instant(obr.get(22), "OBR-22"));
        for (V2Composite ndl : obr.repetitions(32)) {
            r.add("resultsInterpreter", ctx.practitionerFromCnn(ndl.component(1)));
        }
        for (int f : new int[] {34, 35}) {
            for (V2Composite ndl : obr.repetitions(f)) {
                r.add("performer", ctx.practitionerFromCnn(ndl.component(1)));
            }
        }
    }

    /** OBR-15 (v2.3-2.6 specimen source) when no SPM segment describes the specimen. */
    private static void specimenFromObr(BundleContext ctx, V2Segment obr) {
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
            addOnce(ctx.diagnosticReport.resource, "specimen", specimen.reference());
        }
        if (ctx.serviceRequest != null) {
            addOnce(ctx.serviceRequest.resource, "specimen", specimen.reference());
        }
    }

    static void addOnce(JsonObject resource, String element, JsonObject ref) {
        JsonArray a = resource.arr(element);
        for (int i = 0; i < a.size(); i++) {
            if (ref.getString("reference").equals(((JsonObject) a.get(i)).getString("reference"))) {
                return;
            }
        }
        a.add(ref);
    }

    /**
     * TQ1: start/end and priority of the order. In v2.5+ messages TQ1 comes between ORC and OBR, before the
     * ServiceRequest exists, so it is kept and applied when the OBR (or the end of the group) creates it.
     */
    static void tq1(BundleContext ctx, V2Segment tq1) {
        if (ctx.appointment != null && ctx.pendingOrc == null) {
            ScheduleMapper.timing(ctx, tq1.get(7), tq1.get(8), "TQ1-7/TQ1-8");
            V2Composite duration = tq1.first(13);
            ctx.appointment.resource.putIfAbsent("minutesDuration", ScheduleMapper.minutes(ctx, duration.get(1),
                    duration.component(2).get(1), "TQ1-13"));
            return;
        }
        ctx.tq1 = tq1;
        if (ctx.serviceRequest != null) {
            applyTiming(ctx, ctx.serviceRequest);
        }
    }

    private static void applyTiming(BundleContext ctx, Entry sr) {
        V2Segment tq1 = ctx.tq1;
        if (tq1 == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject r = sr.resource;
        String start = t.dateTime(tq1, 7);
        String end = t.dateTime(tq1, 8);
        if (end != null) {
            r.remove("occurrenceDateTime");
            r.put("occurrencePeriod", new JsonObject().put("start", start).put("end", end));
        } else if (start != null) {
            r.remove("occurrencePeriod");
            r.put("occurrenceDateTime", start);
        }
        String priority = t.mappedCode(tq1.get(9), "priority");
        if (priority != null) {
            r.put("priority", priority);
        }
    }

    // ---------------------------------------------------------------- OBX

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
            scoped(ctx, identifier, "observation");
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
            r.add("performer", ctx.practitioner(xcn));
        }
        JsonObject lab = ctx.organization(obx.first(23));
        if (lab != null) {
            r.add("performer", lab);
        }
        value(ctx, r, obx, type);
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
            addOnce(ctx.diagnosticReport.resource, "result", e.reference());
        } else if (ctx.serviceRequest != null && ctx.owns("ORM", "OML")) {
            addOnce(ctx.serviceRequest.resource, "supportingInfo", e.reference());
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
            JsonObject unit = value instanceof JsonObject ? (JsonObject) value : ctx.types.quantity(null, obx.first(6));
            if (m.matches()) {
                JsonNumber low = JsonNumber.parseDecimal(m.group(1));
                JsonNumber high = JsonNumber.parseDecimal(m.group(2));
                if (low != null && high != null
                        && new java.math.BigDecimal(low.toString()).compareTo(new java.math.BigDecimal(high.toString())) <= 0) {
                    rr.put("low", simpleQuantity(low, unit));
                    rr.put("high", simpleQuantity(high, unit));
                }
            } else {
                rr.put(b.group(1).startsWith("<") ? "high" : "low",
                        simpleQuantity(JsonNumber.parseDecimal(b.group(2)), unit));
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

    /** OBX-5 by value type (IG OBX[Observation] and OBX[Observation-Component]). */
    private static void value(BundleContext ctx, JsonObject r, V2Segment obx, String type) {
        List<V2Composite> reps = obx.repetitions(5);
        if (reps.isEmpty()) {
            return;
        }
        if (type.equals("ST") || type.equals("TX") || type.equals("FT") || type.isEmpty()) {
            StringBuilder b = new StringBuilder();
            for (V2Composite rep : reps) {
                String s = rep.wholeText();
                if (s != null) {
                    if (b.length() > 0) {
                        b.append('\n');
                    }
                    b.append(s);
                }
            }
            r.put("valueString", b.toString());
            return;
        }
        if (reps.size() == 1) {
            setValue(ctx, r, reps.get(0), obx, type);
            return;
        }
        // Several values of one observation: one component each, all with the observation's code.
        for (V2Composite rep : reps) {
            JsonObject component = new JsonObject().put("code", r.get("code"));
            setValue(ctx, component, rep, obx, type);
            r.add("component", component);
        }
    }

    private static void setValue(BundleContext ctx, JsonObject target, V2Composite v, V2Segment obx, String type) {
        DataTypes t = ctx.types;
        String where = "OBX-5";
        switch (type) {
            case "NM": {
                String text = v.get(1);
                JsonNumber n = JsonNumber.parseDecimal(text);
                if (n != null) {
                    target.put("valueQuantity", t.quantity(n, obx.first(6)));
                    return;
                }
                Matcher m = text == null ? null : COMPARED.matcher(text);
                if (m != null && m.matches()) {
                    JsonObject q = t.quantity(JsonNumber.parseDecimal(m.group(2)), obx.first(6));
                    q.put("comparator", m.group(1));
                    target.put("valueQuantity", q);
                    return;
                }
                target.put("valueString", v.wholeText());
                return;
            }
            case "SN":
                structuredNumeric(ctx, target, v, obx);
                return;
            case "CE":
            case "CWE":
            case "CNE":
            case "CF":
                target.put("valueCodeableConcept", t.codeableConcept(v, null));
                return;
            case "IS":
            case "ID": {
                String code = DataTypes.code(v.get(1));
                target.put("valueCodeableConcept", new JsonObject()
                        .add("coding", new JsonObject().put("code", code)).put("text", v.get(1)));
                return;
            }
            case "DT":
            case "DTM":
            case "TS":
            case "TM":
                // The value is the result itself: when it is not a valid date or time it is kept as text.
                try {
                    if (type.equals("TM")) {
                        target.put("valueTime", V2Time.toTime(v.get(1)));
                    } else if (v.get(1) != null) {
                        target.put("valueDateTime", V2Time.parse(v.get(1)).toDateTime(ctx.settings.zone()));
                    }
                } catch (IllegalArgumentException e) {
                    t.warn(where, "not a valid HL7 " + (type.equals("TM") ? "time" : "timestamp") + ", kept as text");
                    target.put("valueString", v.wholeText());
                }
                return;
            case "NR": {
                JsonObject range = new JsonObject();
                range.put("low", simpleQuantity(JsonNumber.parseDecimal(v.get(1)), t.quantity(null, obx.first(6))));
                range.put("high", simpleQuantity(JsonNumber.parseDecimal(v.get(2)), t.quantity(null, obx.first(6))));
                target.put("valueRange", range);
                return;
            }
            case "DR":
                target.put("valuePeriod", t.period(v.component(1).get(1), v.component(2).get(1), where));
                return;
            case "MO":
            case "CP": {
                JsonNumber amount = JsonNumber.parseDecimal(v.component(1).get(1));
                String currency = type.equals("MO") ? v.get(2) : v.component(1).get(2);
                if (amount != null) {
                    JsonObject q = new JsonObject().put("value", amount);
                    if (currency != null && currency.length() == 3) {
                        q.put("unit", currency).put("system", "urn:iso:std:iso:4217")
                                .put("code", currency.toUpperCase(Locale.ROOT));
                    }
                    target.put("valueQuantity", q);
                    return;
                }
                target.put("valueString", v.wholeText());
                return;
            }
            default:
                target.put("valueString", readable(v));
        }
    }

    /** A composite value (XPN, XAD, CX...) as readable text: its components joined by spaces. */
    private static String readable(V2Composite v) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= v.size(); i++) {
            String p = v.get(i);
            if (p != null) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(p);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** SN: comparator^num1^separator^num2 (IG SN[Quantity], SN[Range], SN[Ratio]). */
    private static void structuredNumeric(BundleContext ctx, JsonObject target, V2Composite v, V2Segment obx) {
        DataTypes t = ctx.types;
        String comparator = v.get(1);
        JsonNumber n1 = JsonNumber.parseDecimal(v.get(2));
        String sep = v.get(3);
        JsonNumber n2 = JsonNumber.parseDecimal(v.get(4));
        if ("<>".equals(comparator) || (n1 == null && n2 == null) || (v.get(2) != null && n1 == null)
                || (v.get(4) != null && n2 == null)) {
            target.put("valueString", readable(v));
            return;
        }
        if (sep == null || n2 == null) {
            if ("+".equals(sep)) {
                target.put("valueString", readable(v));
                return;
            }
            JsonObject q = t.quantity(n1, obx.first(6));
            if (comparator != null && !comparator.equals("=")) {
                if (!Set.of("<", "<=", ">", ">=").contains(comparator)) {
                    target.put("valueString", readable(v));
                    return;
                }
                q.put("comparator", comparator);
            }
            target.put("valueQuantity", q);
            return;
        }
        if (sep.equals("-")) {
            JsonObject unit = t.quantity(null, obx.first(6));
            target.put("valueRange", new JsonObject().put("low", simpleQuantity(n1, unit))
                    .put("high", simpleQuantity(n2, unit)));
        } else if (sep.equals(":") || sep.equals("/")) {
            JsonObject numerator = new JsonObject().put("value", n1);
            if (comparator != null && Set.of("<", "<=", ">", ">=").contains(comparator)) {
                numerator.put("comparator", comparator);
            }
            target.put("valueRatio", new JsonObject().put("numerator", numerator)
                    .put("denominator", new JsonObject().put("value", n2)));
        } else {
            target.put("valueString", readable(v));
        }
    }

    /** A SimpleQuantity with the unit of {@code unitFrom} (no comparator). */
    private static JsonObject simpleQuantity(JsonNumber value, JsonObject unitFrom) {
        if (value == null) {
            return null;
        }
        JsonObject q = new JsonObject().put("value", value);
        if (unitFrom != null) {
            q.put("unit", unitFrom.get("unit")).put("system", unitFrom.get("system")).put("code", unitFrom.get("code"));
        }
        return q;
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
            scoped(ctx, identifier, "observation");
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

    // ---------------------------------------------------------------- SPM

    /** SPM (IG SPM[Specimen]). */
    static void spm(BundleContext ctx, V2Segment spm) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Composite eip = spm.first(2);
        JsonObject placer = scoped(ctx, t.identifierEI(eip.component(1), "PGN"), "specimen");
        JsonObject filler = scoped(ctx, t.identifierEI(eip.component(2), "FGN"), "specimen");
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
            r.add("parent", new JsonObject().put("identifier", scoped(ctx, parentId, "specimen")));
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
            t.addUnit(q, unit.get(1), unit.get(2), unit.get(3));
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

    /** NTE: a note on whatever the previous segment produced (Annotation, Appointment.comment or content). */
    static void nte(BundleContext ctx, V2Segment nte) {
        Entry target = ctx.noteTarget;
        if (target == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (V2Composite rep : nte.repetitions(3)) {
            String s = rep.wholeText();
            if (s != null) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(s);
            }
        }
        if (b.length() == 0) {
            return;
        }
        String text = b.toString();
        switch (ctx.noteKind) {
            case "comment": {
                String existing = target.resource.getString("comment");
                target.resource.put("comment", existing == null ? text : existing + "\n" + text);
                return;
            }
            case "content":
                target.resource.add("content", new JsonObject().put("attachment", new JsonObject()
                        .put("contentType", "text/plain")
                        .put("data", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))
                        .put("title", "Note")));
                return;
            default: {
                JsonObject note = new JsonObject();
                JsonObject author = firstPractitioner(ctx, nte, 5);
                if (author != null && author.has("reference")) {
                    note.put("authorReference", author);
                } else if (author != null) {
                    note.put("authorString", author.getString("display"));
                }
                note.put("time", ctx.types.dateTime(nte, 6));
                note.put("text", text);
                target.resource.add("note", note);
            }
        }
    }
}
