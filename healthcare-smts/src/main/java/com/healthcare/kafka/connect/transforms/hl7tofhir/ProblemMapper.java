package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.Set;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** PRB (PPR^PC1-PC3 problem list) to a problem-list-item Condition; the OBX after it become its evidence. */
final class ProblemMapper {

    private static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private static final Set<String> CLINICAL_CODES = Set.of("active", "recurrence", "relapse", "inactive",
            "remission", "resolved");
    private static final Set<String> ENDED = Set.of("inactive", "remission", "resolved");
    private static final Set<String> VERIFICATION_CODES = Set.of("unconfirmed", "provisional", "differential",
            "confirmed", "refuted", "entered-in-error");

    private ProblemMapper() {
    }

    static void prb(BundleContext ctx, V2Segment prb) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        V2Composite problem = prb.first(3);
        JsonObject code = t.codeableConcept(problem, null);
        if (code == null) {
            throw new ConversionException("PRB-3 (problem id) is empty in segment " + (prb.position() + 1)
                    + "; Condition.code identifies the problem");
        }
        JsonObject identifier = t.identifierEI(prb.first(4), null);
        if (identifier == null) {
            identifier = ctx.derivedIdentifier("Condition", ctx.patientKey(), "problem",
                    String.valueOf(problem.get(1)), String.valueOf(problem.get(3)));
        } else if (identifier.getString("system") == null) {
            identifier.put("system", t.local(ctx.senderKey.replace('^', '.') + ".problem"));
        }
        Entry e = ctx.identified("Condition", identifier, ctx.owns("PPR"));
        ctx.families.problem = e;
        JsonObject r = e.resource;
        r.put("identifier", new JsonArray().add(identifier));
        boolean deleted = "DE".equals(prb.get(1));
        String clinical = lower(prb.get(14));
        String abatement = t.dateTime(prb, 9);
        if (!deleted) {
            if (clinical == null || !CLINICAL_CODES.contains(clinical)) {
                clinical = abatement != null ? "resolved" : null;
            }
            if (clinical != null) {
                r.put("clinicalStatus", concept(CLINICAL, clinical));
            }
        }
        String verification = deleted ? "entered-in-error" : lower(prb.get(13));
        if (verification != null && VERIFICATION_CODES.contains(verification)) {
            r.put("verificationStatus", concept(VERIFICATION, verification));
        }
        r.put("category", new JsonArray().add(concept("http://terminology.hl7.org/CodeSystem/condition-category",
                "problem-list-item")));
        r.put("severity", t.codeableConcept(prb.first(26), null));
        r.put("code", code);
        r.put("subject", ctx.patientRef());
        r.put("encounter", ctx.encounterRef());
        r.put("onsetDateTime", t.dateTime(prb, 16));
        if (!r.has("onsetDateTime")) {
            r.put("onsetString", prb.get(17));
        }
        if (abatement != null) {
            if (deleted || (clinical != null && !ENDED.contains(clinical))) {
                // con-4/con-5 forbid an abatement beside an active (or deleted) problem: kept as a note, not lost.
                r.add("note", new JsonObject().put("text", "Actual problem resolution (PRB-9): " + abatement));
            } else {
                r.put("abatementDateTime", abatement);
            }
        }
        r.put("recordedDate", t.dateTime(prb, 2));
        ctx.notesTo(e, "note");
    }

    /** An OBX after a PRB (PPR PROBLEM_OBSERVATION group) is evidence of that problem. */
    static void evidence(BundleContext ctx) {
        Entry problem = ctx.families.problem;
        if (problem == null || ctx.observation == null) {
            return;
        }
        JsonObject detail = ctx.observation.reference();
        JsonArray evidence = problem.resource.arr("evidence");
        for (int i = 0; i < evidence.size(); i++) {
            JsonObject ev = (JsonObject) evidence.get(i);
            if (ev.toString().contains(detail.getString("reference"))) {
                return;
            }
        }
        evidence.add(new JsonObject().add("detail", detail));
    }

    private static JsonObject concept(String system, String code) {
        return new JsonObject().add("coding", new JsonObject().put("system", system).put("code", code));
    }

    private static String lower(String code) {
        return code == null ? null : code.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
