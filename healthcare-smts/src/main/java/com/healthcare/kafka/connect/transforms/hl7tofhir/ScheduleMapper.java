package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.Locale;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** SCH, AIS, AIG, AIL, AIP to Appointment (IG SCH[Appointment], AIS/AIG/AIL/AIP[Appointment]). */
final class ScheduleMapper {

    private ScheduleMapper() {
    }

    static void sch(BundleContext ctx, V2Segment sch) {
        DataTypes t = ctx.types;
        JsonObject filler = t.identifierEI(sch.first(2), "FILL");
        JsonObject placer = t.identifierEI(sch.first(1), "PLAC");
        for (JsonObject id : new JsonObject[] {filler, placer}) {
            if (id != null && id.getString("system") == null) {
                id.put("system", t.local(ctx.senderKey.replace('^', '.') + ".appointment"));
            }
        }
        JsonObject key = filler != null ? filler : placer;
        if (key == null) {
            key = ctx.derivedIdentifier("Appointment", ctx.messageKey("SCH"));
        }
        Entry e = ctx.identified("Appointment", key, ctx.owns("SIU"));
        ctx.appointment = e;
        JsonObject r = e.resource;
        r.put("identifier", BundleContext.identifiers(filler, placer, key));
        String status = t.mappedCode(sch.get(25), "appointment-status");
        if (status == null) {
            status = t.mappedCode(ctx.event, "event-appointment-status");
        }
        r.put("status", status != null ? status : "booked");
        V2Composite reason = sch.first(7);
        if ("HL70277".equalsIgnoreCase(reason.get(3))) {
            r.put("appointmentType", t.codeableConcept(reason, "0277"));
        } else {
            r.add("reasonCode", t.codeableConcept(reason, "0276"));
        }
        r.put("appointmentType", t.codeableConcept(sch.first(8), "0277"));
        r.put("minutesDuration", minutes(ctx, sch.get(9), sch.get(10, 1), "SCH-9/SCH-10"));
        // SCH-11 (deprecated since v2.5) is only the fallback: TQ1 and the AIS/AIG/AIL/AIP that follow win.
        ctx.schedule = sch;
        for (int f : new int[] {12, 16, 20}) {
            for (V2Composite xcn : sch.repetitions(f)) {
                addParticipant(r, new JsonObject().put("actor", SharedResources.practitioner(ctx, xcn))
                        .put("status", "accepted"));
            }
        }
        for (V2Composite ei : sch.repetitions(26)) {
            JsonObject id = t.identifierEI(ei, "PLAC");
            if (id != null) {
                r.add("basedOn", new JsonObject().put("type", "ServiceRequest").put("identifier", id));
            }
        }
        ctx.notesTo(e, "comment");
    }

    /** Adds a participant unless the same actor already takes part (SCH-12/16/20 often name one person). */
    private static void addParticipant(JsonObject appointment, JsonObject participant) {
        Object actor = participant.get("actor");
        if (!participant.has("type") && !(actor instanceof JsonObject)) {
            return;
        }
        JsonArray all = appointment.arr("participant");
        if (actor instanceof JsonObject && ((JsonObject) actor).getString("reference") != null) {
            String ref = ((JsonObject) actor).getString("reference");
            for (int i = 0; i < all.size(); i++) {
                Object other = ((JsonObject) all.get(i)).get("actor");
                if (other instanceof JsonObject && ref.equals(((JsonObject) other).getString("reference"))) {
                    JsonObject existing = (JsonObject) all.get(i);
                    if (!existing.has("type") && participant.has("type")) {
                        existing.put("type", participant.get("type"));
                    }
                    return;
                }
            }
        }
        all.add(participant);
    }

    /** Start and end of the appointment from a TQ, TQ1 or AIx; the first source given wins. */
    static void timing(BundleContext ctx, String start, String end, String where) {
        if (ctx.appointment == null) {
            return;
        }
        JsonObject r = ctx.appointment.resource;
        if (!r.has("start") && start != null) {
            r.put("start", ctx.types.instant(start, where));
        }
        if (!r.has("end") && end != null) {
            r.put("end", ctx.types.instant(end, where));
        }
    }

    /**
     * A duration in minutes from a number and its unit (ISO+/UCUM or spelled out: s, min, h, d, wk; minutes when
     * absent); null, with a warning, for a unit that is not a span of time.
     */
    static Integer minutes(BundleContext ctx, String amount, String unit, String where) {
        JsonNumber n = JsonNumber.parseDecimal(amount);
        if (n == null) {
            return null;
        }
        double v = Double.parseDouble(n.toString());
        double factor;
        switch (unit == null ? "MIN" : unit.strip().toUpperCase(Locale.ROOT)) {
            case "S": case "SEC": case "SECS": case "SECOND": case "SECONDS":
                factor = 1.0 / 60;
                break;
            case "MIN": case "MINS": case "MINUTE": case "MINUTES": case "M": case "MN":
                factor = 1;
                break;
            case "H": case "HR": case "HRS": case "HOUR": case "HOURS":
                factor = 60;
                break;
            case "D": case "DAY": case "DAYS":
                factor = 60 * 24;
                break;
            case "WK": case "W": case "WEEK": case "WEEKS":
                factor = 60 * 24 * 7;
                break;
            default:
                ctx.types.warn(where, "duration unit is not s, min, h, d or wk; duration dropped");
                return null;
        }
        long minutes = Math.round(v * factor);
        return minutes > 0 && minutes <= Integer.MAX_VALUE ? (int) minutes : null;
    }

    static void ais(BundleContext ctx, V2Segment ais) {
        if (ctx.appointment == null) {
            return;
        }
        JsonObject r = ctx.appointment.resource;
        r.add("serviceType", ctx.types.codeableConcept(ais.first(3), null));
        String start = ais.get(4);
        timing(ctx, start, null, "AIS-4");
        Integer duration = minutes(ctx, ais.get(7), ais.get(8, 1), "AIS-7/AIS-8");
        if (!r.has("end") && r.has("start") && duration != null && start != null
                && r.getString("start").equals(ctx.types.instant(start, "AIS-4"))) {
            r.put("end", ClinicalMapper.plusMinutes(r.getString("start"), duration));
            r.putIfAbsent("minutesDuration", duration);
        }
        ctx.notesTo(ctx.appointment, "comment");
    }

    static void aig(BundleContext ctx, V2Segment aig) {
        if (ctx.appointment == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject participant = new JsonObject();
        participant.add("type", t.codeableConcept(aig.first(4), null));
        V2Composite resource = aig.first(3);
        String display = resource.get(2) != null ? resource.get(2) : resource.get(1);
        if (display != null) {
            participant.put("actor", new JsonObject().put("display", display));
        }
        participant.put("status", participantStatus(t, aig.get(14)));
        participant.put("period", resourcePeriod(ctx, aig.get(8), aig.get(11), aig.get(12, 1), "AIG-8"));
        addParticipant(ctx.appointment.resource, participant);
        ctx.notesTo(ctx.appointment, "comment");
    }

    static void ail(BundleContext ctx, V2Segment ail) {
        if (ctx.appointment == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject location = SharedResources.location(ctx, ail.first(3), "AIL-3");
        if (location == null) {
            return;
        }
        JsonObject participant = new JsonObject();
        participant.add("type", t.codeableConcept(ail.first(4), null));
        participant.put("actor", location);
        participant.put("status", participantStatus(t, ail.get(12)));
        participant.put("period", resourcePeriod(ctx, ail.get(6), ail.get(9), ail.get(10, 1), "AIL-6"));
        addParticipant(ctx.appointment.resource, participant);
        timing(ctx, ail.get(6), null, "AIL-6");
        ctx.notesTo(ctx.appointment, "comment");
    }

    static void aip(BundleContext ctx, V2Segment aip) {
        if (ctx.appointment == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject ref = OrderMapper.firstPractitioner(ctx, aip, 3);
        JsonObject participant = new JsonObject();
        participant.add("type", t.codeableConcept(aip.first(4), null));
        participant.put("actor", ref);
        participant.put("status", participantStatus(t, aip.get(12)));
        participant.put("period", resourcePeriod(ctx, aip.get(6), aip.get(9), aip.get(10, 1), "AIP-6"));
        addParticipant(ctx.appointment.resource, participant);
        timing(ctx, aip.get(6), null, "AIP-6");
        ctx.notesTo(ctx.appointment, "comment");
    }

    private static JsonObject resourcePeriod(BundleContext ctx, String start, String duration, String unit,
                                             String where) {
        String s = ctx.types.dateTime(start, where);
        if (s == null) {
            return null;
        }
        JsonObject p = new JsonObject().put("start", s);
        Integer minutes = minutes(ctx, duration, unit, where);
        if (minutes != null && s.length() > 10) {
            p.put("end", ClinicalMapper.plusMinutes(s, minutes));
        }
        return p;
    }

    /** Filler status (table 0278) to participant status: a booked resource has accepted. */
    private static String participantStatus(DataTypes t, String fillerStatus) {
        String s = t.mappedCode(fillerStatus, "appointment-status");
        if (s == null) {
            return "accepted";
        }
        switch (s) {
            case "cancelled":
            case "noshow":
            case "entered-in-error":
                return "declined";
            case "pending":
            case "waitlist":
            case "proposed":
                return "tentative";
            default:
                return "accepted";
        }
    }

    /** The patient joins the appointment (SIU carries PID after SCH); start/end are checked (app-3). */
    static void finish(BundleContext ctx) {
        Entry a = ctx.appointment;
        if (a == null) {
            return;
        }
        JsonObject r = a.resource;
        if (ctx.schedule != null) {
            V2Composite tq = ctx.schedule.first(11);
            timing(ctx, tq.get(4), tq.get(5), "SCH-11");
            Integer duration = r.get("minutesDuration") instanceof Integer ? (Integer) r.get("minutesDuration") : null;
            if (!r.has("end") && r.has("start") && duration != null) {
                r.put("end", ClinicalMapper.plusMinutes(r.getString("start"), duration));
            }
        }
        if (ctx.patient != null) {
            JsonArray participants = r.arr("participant");
            JsonArray withPatient = new JsonArray().add(new JsonObject().put("actor", ctx.patientRef())
                    .put("status", "accepted"));
            for (int i = 0; i < participants.size(); i++) {
                withPatient.add(participants.get(i));
            }
            r.put("participant", withPatient);
        }
        if (r.arr("participant").isEmpty()) {
            throw new ConversionException("SIU has neither a patient nor a resource; Appointment.participant "
                    + "is required");
        }
        String status = r.getString("status");
        boolean timed = r.has("start") && r.has("end");
        if (!timed && !("proposed".equals(status) || "cancelled".equals(status) || "waitlist".equals(status))) {
            throw new ConversionException("appointment start and end could not be determined (SCH-11, TQ1-7/8, "
                    + "AIS-4 with a duration); a " + status + " Appointment needs both");
        }
    }
}
