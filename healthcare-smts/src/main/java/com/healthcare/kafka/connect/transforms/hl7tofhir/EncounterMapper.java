package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** PV1 and PV2 to Encounter (IG PV1[Encounter], PV2[Encounter], MSH[Encounter] for the status). */
final class EncounterMapper {

    private static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private EncounterMapper() {
    }

    static void pv1(BundleContext ctx, V2Segment pv1) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        String patientClass = pv1.get(2);
        V2Composite visitNumber = pv1.first(19);
        String admit = pv1.get(44);
        // A PV1 that says nothing about a visit (A28/A31 "PV1|1|N", the VXU "PV1|1|R" of immunization registries)
        // would only create an empty Encounter.
        if (visitNumber.get(1) == null && admit == null && !pv1.has(3) && !pv1.has(7) && !pv1.has(45)
                && ctx.priorVisit == null) {
            return;
        }
        JsonObject visitId = t.identifier(visitNumber);
        boolean fromVisitNumber = visitId != null;
        if (visitId == null && ctx.priorVisit != null) {
            // A45 and kin without PV1-19: the visit the MRG names is the one moved to this patient.
            visitId = ctx.priorVisit;
            ctx.priorVisit = null;
        }
        Entry e;
        boolean owner = ctx.owns("ADT");
        if (visitId != null) {
            if (visitId.getString("system") == null) {
                visitId.put("system", t.local(ctx.senderKey.replace('^', '.') + ".visit"));
            }
            if (!visitId.has("type")) {
                visitId.put("type", t.identifierType("VN"));
            }
            e = ctx.identified("Encounter", visitId, owner);
        } else {
            visitId = ctx.derivedIdentifier("Encounter", ctx.patientKey(),
                    admit != null ? admit : ctx.messageKey("PV1"), patientClass);
            e = ctx.identified("Encounter", visitId, owner);
        }
        ctx.encounter = e;
        JsonObject r = e.resource;
        JsonArray identifiers = new JsonArray();
        identifiers.add(visitId);
        identifiers.add(t.identifier(pv1.first(50)));
        r.put("identifier", identifiers);
        MergeMapper.priorVisitOnEncounter(ctx, e, fromVisitNumber);

        String discharge = pv1.get(45);
        String status = null;
        if (discharge != null) {
            status = "finished";
        }
        if (status == null && ctx.messageCode.equals("ADT")) {
            status = t.mappedCode(ctx.event, "event-encounter-status");
        }
        if (status == null && ctx.messageCode.equals("SIU")) {
            status = "planned"; // the visit an appointment is booked for has not happened yet
        }
        if (status == null) {
            status = t.mappedCode(patientClass, "patient-class-status");
        }
        r.put("status", status != null ? status : "unknown");

        MappingTables.Target cls = t.tables().map("patient-class").get(patientClass);
        if (cls != null) {
            r.put("class", new JsonObject().put("system", cls.system).put("code", cls.code)
                    .put("display", cls.display));
        } else if (patientClass != null) {
            r.put("class", t.tableCoding(patientClass, "0004", null));
        } else {
            r.put("class", new JsonObject().put("system", DataTypes.V2 + "0004").put("code", "U")
                    .put("display", "Unknown"));
        }

        JsonArray type = new JsonArray();
        type.add(t.codeableConcept(pv1.first(4), "0007"));
        type.add(t.codeableConcept(pv1.first(18), "0018"));
        r.put("type", type);
        r.put("serviceType", t.codeableConcept(pv1.first(10), "0069"));
        r.put("subject", ctx.patientRef());

        JsonArray participants = new JsonArray();
        participant(ctx, participants, pv1, 7, "ATND", "attender");
        participant(ctx, participants, pv1, 8, "REF", "referrer");
        participant(ctx, participants, pv1, 9, "CON", "consultant");
        participant(ctx, participants, pv1, 17, "ADM", "admitter");
        participant(ctx, participants, pv1, 52, "PART", "Participation");
        r.put("participant", participants);

        r.put("period", t.period(admit, discharge, "PV1-44/PV1-45"));

        JsonObject hosp = r.obj("hospitalization");
        hosp.put("preAdmissionIdentifier", t.identifier(pv1.first(5)));
        hosp.put("reAdmission", t.codeableConcept(pv1.first(13), "0092"));
        hosp.put("admitSource", t.mappedConcept(pv1.first(14), "admit-source", "0023"));
        hosp.add("specialArrangement", t.codeableConcept(pv1.first(15), "0009"));
        hosp.add("specialCourtesy", t.codeableConcept(pv1.first(16), "0099"));
        hosp.add("dietPreference", t.codeableConcept(pv1.first(38), "0114"));
        hosp.put("dischargeDisposition", t.mappedConcept(pv1.first(36), "discharge-disposition", "0112"));
        V2Composite dld = pv1.first(37);
        if (dld.get(1) != null) {
            JsonObject dest = SharedResources.locationByName(ctx, dld.get(1));
            hosp.put("destination", dest);
        }

        JsonArray locations = new JsonArray();
        boolean planned = "P".equals(patientClass);
        location(ctx, locations, pv1.first(3), planned ? "planned" : "active", "PV1-3");
        location(ctx, locations, pv1.first(6), "completed", "PV1-6");
        location(ctx, locations, pv1.first(11), "active", "PV1-11");
        location(ctx, locations, pv1.first(42), "planned", "PV1-42");
        location(ctx, locations, pv1.first(43), "completed", "PV1-43");
        r.put("location", locations);
        String bedStatus = pv1.get(40);
        if (bedStatus != null && locations.size() > 0) {
            Entry bed = ctx.entryOf((JsonObject) ((JsonObject) locations.get(0)).get("location"));
            if (bed != null) {
                bed.resource.put("operationalStatus", t.tableCoding(bedStatus, "0116", null));
            }
        }
        String facility = pv1.get(39);
        if (facility != null) {
            r.put("serviceProvider", SharedResources.organization(ctx, facility, null, null));
        }
    }

    private static void participant(BundleContext ctx, JsonArray out, V2Segment s, int field, String code,
                                    String display) {
        for (V2Composite xcn : s.repetitions(field)) {
            JsonObject ref = SharedResources.practitioner(ctx, xcn);
            if (ref == null) {
                continue;
            }
            out.add(new JsonObject()
                    .add("type", new JsonObject().add("coding", new JsonObject().put("system", PARTICIPATION)
                            .put("code", code).put("display", display)))
                    .put("individual", ref));
        }
    }

    private static void location(BundleContext ctx, JsonArray out, V2Composite pl, String status, String where) {
        JsonObject ref = SharedResources.location(ctx, pl, where);
        if (ref != null) {
            out.add(new JsonObject().put("location", ref).put("status", status));
        }
    }

    /** PV2: reason, expected length, referral source, priority, mode of arrival (IG PV2[Encounter]). */
    static void pv2(BundleContext ctx, V2Segment pv2) {
        if (ctx.encounter == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject r = ctx.encounter.resource;
        JsonObject prior = SharedResources.location(ctx, pv2.first(1), "PV2-1");
        if (prior != null) {
            r.add("location", new JsonObject().put("location", prior).put("status", "planned"));
        }
        r.add("reasonCode", t.codeableConcept(pv2.first(3), null));
        JsonNumber los = JsonNumber.parseDecimal(pv2.get(11));
        if (los != null) {
            r.put("length", new JsonObject().put("value", los).put("unit", "days")
                    .put("system", DataTypes.UCUM).put("code", "d"));
        }
        for (V2Composite xcn : pv2.repetitions(13)) {
            JsonObject ref = SharedResources.practitioner(ctx, xcn);
            if (ref != null) {
                r.add("participant", new JsonObject()
                        .add("type", new JsonObject().add("coding", new JsonObject().put("system", PARTICIPATION)
                                .put("code", "REF").put("display", "referrer")))
                        .put("individual", ref));
            }
        }
        r.put("priority", t.codeableConcept(pv2.first(25), "0217"));
        JsonObject arrival = t.codeableConcept(pv2.first(38), "0430");
        if (arrival != null && arrival.get("coding") instanceof JsonArray) {
            r.add("extension", new JsonObject().put("url",
                    "http://hl7.org/fhir/StructureDefinition/encounter-modeOfArrival")
                    .put("valueCoding", ((JsonArray) arrival.get("coding")).get(0)));
        }
    }
}
