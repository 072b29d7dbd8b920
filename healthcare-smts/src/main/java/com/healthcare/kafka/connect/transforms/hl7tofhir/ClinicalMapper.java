package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** AL1 (AllergyIntolerance), DG1 (Condition), PR1 (Procedure), IN1/IN2 (Coverage + payor Organization). */
final class ClinicalMapper {

    private static final String SCT = "http://snomed.info/sct";

    private ClinicalMapper() {
    }

    /** AL1 (IG AL1[AllergyIntolerance]). */
    static void al1(BundleContext ctx, V2Segment al1) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Composite allergen = al1.first(3);
        JsonObject code = t.codeableConcept(allergen, null);
        String type = al1.get(2);
        JsonObject identifier = ctx.derivedIdentifier("AllergyIntolerance", ctx.patientKey(),
                codeKey(code, allergen));
        Entry e = ctx.identified("AllergyIntolerance", identifier, ctx.owns("ADT"));
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(identifier));
        r.put("clinicalStatus", new JsonObject().add("coding", new JsonObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical")
                .put("code", "active").put("display", "Active")));
        r.put("type", t.mappedCode(type, "allergy-type"));
        r.put("category", new JsonArray().add(t.mappedCode(type, "allergen-category")));
        String severity = al1.get(4);
        r.put("criticality", t.mappedCode(severity, "allergy-criticality"));
        r.put("code", code);
        r.put("patient", ctx.patientRef());
        r.put("onsetDateTime", t.dateTime(al1, 6));
        JsonArray manifestations = new JsonArray();
        for (V2Composite reaction : al1.repetitions(5)) {
            String text = reaction.text(1);
            if (text != null) {
                manifestations.add(new JsonObject().put("text", text));
            }
        }
        if (manifestations.size() > 0) {
            r.put("reaction", new JsonArray().add(new JsonObject().put("manifestation", manifestations)
                    .put("severity", t.mappedCode(severity, "allergy-reaction-severity"))));
        }
        ctx.notesTo(e, "note");
    }

    private static String codeKey(JsonObject cc, V2Composite raw) {
        if (cc != null && cc.get("coding") instanceof JsonArray) {
            JsonObject c = (JsonObject) ((JsonArray) cc.get("coding")).get(0);
            return c.getString("system") + "|" + c.getString("code");
        }
        return raw == null ? "" : String.valueOf(raw.text(1));
    }

    /**
     * DG1 (IG DG1[Condition], DG1[Encounter]): an encounter-diagnosis Condition, listed in Encounter.diagnosis
     * with its use and rank; in an order it becomes the ServiceRequest's reason.
     */
    static void dg1(BundleContext ctx, V2Segment dg1) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Composite cwe = dg1.first(3);
        JsonObject code = t.codeableConcept(cwe, null);
        String description = dg1.get(4);
        if (description != null) {
            if (code == null) {
                code = new JsonObject();
            }
            code.putIfAbsent("text", description);
        }
        JsonObject identifier = t.identifierEI(dg1.first(20), null);
        boolean derived = identifier == null;
        if (derived) {
            identifier = ctx.derivedIdentifier("Condition", ctx.patientKey(), ctx.encounterKey(),
                    codeKey(code, cwe), dg1.get(6));
        } else if (identifier.getString("system") == null) {
            identifier.put("system", t.local(ctx.senderKey.replace('^', '.') + ".condition"));
        }
        Entry e = ctx.identified("Condition", identifier, ctx.owns("ADT"));
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(identifier));
        if ("D".equals(dg1.get(21))) {
            r.put("verificationStatus", new JsonObject().add("coding", new JsonObject()
                    .put("system", "http://terminology.hl7.org/CodeSystem/condition-ver-status")
                    .put("code", "entered-in-error")));
        }
        r.put("category", new JsonArray().add(new JsonObject().add("coding", new JsonObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/condition-category")
                .put("code", "encounter-diagnosis").put("display", "Encounter Diagnosis"))));
        r.put("code", code);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        r.put("onsetDateTime", t.dateTime(dg1, 5));
        String attested = t.dateTime(dg1, 19);
        r.put("recordedDate", attested);
        for (V2Composite xcn : dg1.repetitions(16)) {
            JsonObject ref = SharedResources.practitioner(ctx, xcn);
            if (ref != null) {
                r.put("asserter", ref);
                break;
            }
        }
        ctx.condition = e;
        ctx.notesTo(e, "note");

        if (ctx.serviceRequest != null && (ctx.owns("ORM", "OML"))) {
            ctx.serviceRequest.resource.add("reasonReference", e.reference());
        } else if (ctx.encounter != null) {
            JsonObject diagnosis = new JsonObject().put("condition", e.reference());
            diagnosis.put("use", t.mappedConcept(dg1.first(6), "diagnosis-type", "0052"));
            diagnosis.put("rank", DataTypes.positiveInt(dg1.get(15)));
            ctx.encounter.resource.add("diagnosis", diagnosis);
        }
    }

    /** PR1 (IG PR1[Procedure]). */
    static void pr1(BundleContext ctx, V2Segment pr1) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Composite cne = pr1.first(3);
        JsonObject code = t.codeableConcept(cne, null);
        String description = pr1.get(4);
        if (description != null) {
            if (code == null) {
                code = new JsonObject();
            }
            code.putIfAbsent("text", description);
        }
        String when = pr1.get(5);
        JsonObject identifier = t.identifierEI(pr1.first(19), null);
        if (identifier == null) {
            identifier = ctx.derivedIdentifier("Procedure", ctx.patientKey(), codeKey(code, cne), when);
        } else if (identifier.getString("system") == null) {
            identifier.put("system", t.local(ctx.senderKey.replace('^', '.') + ".procedure"));
        }
        Entry e = ctx.identified("Procedure", identifier, ctx.owns("ADT"));
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(identifier));
        r.put("status", "completed");
        r.put("category", t.codeableConcept(pr1.first(6), "0230"));
        r.put("code", code);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        String start = t.dateTime(when, "PR1-5");
        Integer minutes = DataTypes.positiveInt(pr1.get(7));
        if (start != null && minutes != null && start.length() > 10) {
            r.put("performedPeriod", new JsonObject().put("start", start).put("end", plusMinutes(start, minutes)));
        } else {
            r.put("performedDateTime", start);
        }
        JsonArray performers = new JsonArray();
        performer(ctx, performers, pr1, 8, "88189002", "Anesthesiologist");
        performer(ctx, performers, pr1, 11, "304292004", "Surgeon");
        performer(ctx, performers, pr1, 12, null, null);
        r.put("performer", performers);
        r.put("location", SharedResources.location(ctx, pr1.first(23), "PR1-23"));
        r.add("reasonCode", t.codeableConcept(pr1.first(15), null));
        ctx.procedure = e;
        ctx.notesTo(e, "note");
    }

    private static void performer(BundleContext ctx, JsonArray out, V2Segment s, int field, String sct,
                                  String display) {
        for (V2Composite xcn : s.repetitions(field)) {
            JsonObject ref = SharedResources.practitioner(ctx, xcn);
            if (ref == null) {
                continue;
            }
            JsonObject p = new JsonObject();
            if (sct != null) {
                p.put("function", new JsonObject().add("coding", new JsonObject().put("system", SCT)
                        .put("code", sct).put("display", display)));
            }
            out.add(p.put("actor", ref));
        }
    }

    static String plusMinutes(String fhirDateTime, int minutes) {
        try {
            OffsetDateTime odt = OffsetDateTime.parse(fhirDateTime).plusMinutes(minutes);
            String s = odt.toString();
            // OffsetDateTime drops ":00" seconds; FHIR needs them.
            if (s.length() == 16 + (s.endsWith("Z") ? 1 : 6) && s.charAt(13) == ':') {
                int tz = s.endsWith("Z") ? s.length() - 1 : s.length() - 6;
                s = s.substring(0, tz) + ":00" + s.substring(tz);
            }
            return s.endsWith("Z") ? s.substring(0, s.length() - 1) + "+00:00" : s;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * IN1 (IG IN1[Coverage]): Coverage for the patient, paid by the insurance company (an Organization from
     * IN1-3/IN1-4/IN1-5); the subscriber is the patient (IN1-17 = SEL) or a RelatedPerson from IN1-16.
     */
    static void in1(BundleContext ctx, V2Segment in1) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Composite companyId = in1.first(3);
        String companyName = in1.get(4);
        JsonObject companyIdentifier = t.identifier(companyId);
        if (companyIdentifier != null && companyIdentifier.getString("system") == null) {
            companyIdentifier.put("system", t.local("payor"));
        }
        JsonObject payor = SharedResources.organization(ctx, companyName, companyIdentifier,
                PersonTypes.address(t, in1.first(5)));
        if (payor != null) {
            Entry org = ctx.entryOf(payor);
            if (org != null) {
                JsonArray telecom = new JsonArray();
                for (V2Composite xtn : in1.repetitions(7)) {
                    telecom.add(PersonTypes.contactPoint(t, xtn, "work"));
                }
                org.resource.putIfAbsent("telecom", telecom);
                org.resource.putIfAbsent("type", new JsonArray().add(new JsonObject().add("coding",
                        new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/organization-type")
                                .put("code", "ins").put("display", "Insurance Company"))));
            }
        }
        String policy = in1.get(36);
        String planId = in1.get(2);
        JsonObject identifier;
        String payorKey = companyIdentifier != null ? BundleContext.key(companyIdentifier) : String.valueOf(companyName);
        if (policy != null) {
            // A policy number is unique within its insurer: the system names the insurer.
            String insurer = companyId.get(1) != null ? companyId.get(1) : String.valueOf(companyName);
            identifier = new JsonObject().put("system", t.local("policy." + insurer)).put("value", policy);
        } else {
            identifier = ctx.derivedIdentifier("Coverage", ctx.patientKey(), payorKey, planId, in1.get(8));
        }
        Entry e = ctx.identified("Coverage", identifier, ctx.owns("ADT"));
        ctx.coverage = e;
        JsonObject r = e.resource;
        r.add("identifier", identifier);
        r.put("status", "active");
        r.put("type", t.codeableConcept(in1.first(15), "0086"));
        String relationship = in1.get(17);
        boolean self = relationship == null || "SEL".equalsIgnoreCase(relationship)
                || "01".equals(relationship) || "18".equals(relationship);
        JsonObject subscriberName = PersonTypes.humanName(t, in1.first(16));
        if (self) {
            r.put("subscriber", ctx.patientRef());
        } else if (subscriberName != null) {
            JsonObject rpId = ctx.derivedIdentifier("RelatedPerson", ctx.patientKey(),
                    PersonTypes.displayName(subscriberName), relationship);
            Entry rp = ctx.identified("RelatedPerson", rpId, false);
            JsonObject p = rp.resource;
            if (!p.has("patient")) {
                p.add("identifier", rpId);
                p.put("patient", ctx.patientRef());
                p.add("relationship", t.mappedConcept(in1.first(17), "relationship", "0063"));
                p.add("name", subscriberName);
                p.put("birthDate", t.date(in1.get(18), "IN1-18"));
                p.add("address", PersonTypes.address(t, in1.first(19)));
                p.put("gender", t.mappedCode(in1.get(43), "administrative-sex"));
            }
            r.put("subscriber", rp.reference(PersonTypes.displayName(subscriberName)));
        }
        String subscriberId = in1.get(49) != null ? in1.get(49) : policy;
        r.put("subscriberId", subscriberId);
        r.put("beneficiary", ctx.patientRef());
        JsonObject rel = t.mappedConcept(in1.first(17), "subscriber-relationship", null);
        if (rel != null && rel.get("coding") instanceof JsonArray) {
            JsonObject first = (JsonObject) ((JsonArray) rel.get("coding")).get(0);
            if ("http://terminology.hl7.org/CodeSystem/subscriber-relationship".equals(first.getString("system"))) {
                r.put("relationship", new JsonObject().add("coding", first));
            }
        }
        r.put("period", t.period(in1.get(12), in1.get(13), "IN1-12/IN1-13"));
        r.put("payor", new JsonArray().add(payor != null ? payor : ctx.patientRef()));
        JsonArray classes = new JsonArray();
        if (planId != null) {
            classes.add(coverageClass("plan", planId, in1.get(2, 2)));
        }
        if (in1.get(8) != null) {
            classes.add(coverageClass("group", in1.get(8), in1.get(9)));
        }
        r.put("class", classes);
        Integer order = DataTypes.positiveInt(in1.get(22));
        r.put("order", order != null ? order : DataTypes.positiveInt(in1.get(1)));
    }

    private static JsonObject coverageClass(String type, String value, String name) {
        return new JsonObject().put("type", new JsonObject().add("coding", new JsonObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/coverage-class").put("code", type)))
                .put("value", value).put("name", name);
    }

    /** IN2: Medicare/Medicaid and member numbers as further Coverage identifiers. */
    static void in2(BundleContext ctx, V2Segment in2) {
        if (ctx.coverage == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject r = ctx.coverage.resource;
        String medicare = in2.get(6);
        if (medicare != null) {
            r.add("identifier", new JsonObject().put("type", t.identifierType("MC"))
                    .put("system", t.local("medicare")).put("value", medicare));
        }
        String medicaid = in2.get(8);
        if (medicaid != null) {
            r.add("identifier", new JsonObject().put("type", t.identifierType("MA"))
                    .put("system", t.local("medicaid")).put("value", medicaid));
        }
        for (V2Composite cx : in2.repetitions(61)) {
            JsonObject id = t.identifier(cx);
            if (id != null) {
                id.putIfAbsent("type", t.identifierType("MB"));
                r.add("identifier", id);
            }
        }
    }
}
