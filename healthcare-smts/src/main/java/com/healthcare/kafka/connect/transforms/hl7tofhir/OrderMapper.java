package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * Orders: ORC, OBR, TQ1 (ServiceRequest, and a DiagnosticReport in results), per the IG segment maps, with the
 * order numbers that identify them. The results of an order are mapped by {@link ObservationMapper}, its specimen
 * by {@link SpecimenMapper}, notes by {@link NoteMapper}.
 */
final class OrderMapper {

    private static final String V2_0203 = "PLAC";

    private OrderMapper() {
    }


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
        SpecimenMapper.fromObr(ctx, obr);
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
    static JsonObject scoped(BundleContext ctx, JsonObject id, String kind) {
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
            JsonObject ref = SharedResources.practitioner(ctx, xcn);
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
            r.add("resultsInterpreter", SharedResources.practitionerFromCnn(ctx, ndl.component(1)));
        }
        for (int f : new int[] {34, 35}) {
            for (V2Composite ndl : obr.repetitions(f)) {
                r.add("performer", SharedResources.practitionerFromCnn(ctx, ndl.component(1)));
            }
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
}
