package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.Set;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * MRG: merges, moves and identifier changes of patients, accounts and visits (ADT A06/A07, A18, A30, A34-A36,
 * A39-A51). What the prior identifiers mean depends on the trigger event, so the event decides:
 * <ul>
 *   <li>patient merges (A18, A30, A34, A36, A39, A40): the prior patient (MRG-1, else MRG-4) becomes inactive with
 *       {@code link replaced-by} the surviving one, which gets {@code link replaces}; only when the prior
 *       identifiers are not the surviving patient's own (an MRG-1 equal to PID-3 is no merge);</li>
 *   <li>patient identifier changes (A46, A47, A48): the Patient is found by its prior identifier and keeps it as
 *       an {@code old} identifier beside the new ones;</li>
 *   <li>accounts (MRG-3; A06/A07, A35, A36, A41, A44, A49): an Account (IG MRG[Account]);</li>
 *   <li>visits (MRG-5/MRG-6; A06/A07, A42, A45, A50, A51): the prior visit number on the Encounter of the PV1
 *       that follows.</li>
 * </ul>
 * Moves (A43, A44, A45) never link a patient: the moved account or visit gets the PID's patient as subject. A24
 * links the message's two patients ({@code seealso}).
 */
final class MergeMapper {

    private static final Set<String> PATIENT_MERGES = Set.of("A18", "A30", "A34", "A36", "A39", "A40");
    private static final Set<String> PATIENT_ID_CHANGES = Set.of("A46", "A47", "A48");
    private static final Set<String> ACCOUNT_MERGES = Set.of("A35", "A36", "A41");
    private static final Set<String> VISIT_CHANGES = Set.of("A50", "A51");

    private MergeMapper() {
    }

    static void mrg(BundleContext ctx, V2Segment mrg) {
        if (ctx.patient == null) {
            throw new ConversionException("MRG without a preceding PID");
        }
        String event = ctx.event;
        if (PATIENT_MERGES.contains(event) || PATIENT_ID_CHANGES.contains(event)) {
            priorPatient(ctx, mrg, PATIENT_ID_CHANGES.contains(event));
        }
        account(ctx, mrg);
        ctx.priorVisit = priorVisit(ctx, mrg);
    }

    /** The prior patient identifiers (MRG-1, else MRG-4) that are not the surviving patient's own. */
    private static JsonArray priorPatientIds(BundleContext ctx, V2Segment mrg) {
        DataTypes t = ctx.types;
        JsonArray own = ctx.patient.resource.arr("identifier");
        JsonArray prior = new JsonArray();
        for (int field : new int[] {1, 4}) {
            for (V2Composite cx : mrg.repetitions(field)) {
                JsonObject id = t.identifier(cx);
                if (id == null) {
                    continue;
                }
                if (id.getString("system") == null) {
                    id.put("system", t.local(ctx.senderKey.replace('^', '.') + ".patient"));
                }
                if (!contains(own, id) && !contains(prior, id)) {
                    prior.add(id);
                }
            }
            if (field == 1 && !mrg.repetitions(1).isEmpty()) {
                break;
            }
        }
        return prior;
    }

    private static void priorPatient(BundleContext ctx, V2Segment mrg, boolean identifierChange) {
        JsonArray prior = priorPatientIds(ctx, mrg);
        if (prior.isEmpty()) {
            if (!mrg.repetitions(1).isEmpty() || !mrg.repetitions(4).isEmpty()) {
                ctx.types.warn("MRG-1", "the prior patient identifier is the patient's own (PID-3): no merge");
            }
            return;
        }
        JsonObject survivor = ctx.patient.resource;
        if (identifierChange) {
            // The same person under a new identifier: find the existing Patient by the prior one, keep it as old.
            for (int i = 0; i < prior.size(); i++) {
                JsonObject old = (JsonObject) prior.get(i);
                old.put("use", "old");
                survivor.arr("identifier").add(old);
            }
            if (ctx.patient.hasRequest()) {
                ctx.patient.requestBy((JsonObject) prior.get(0));
            }
            return;
        }
        // The prior record is written with everything the message holds about it (all of MRG-1/MRG-4, MRG-7),
        // never with fewer identifiers than the message gives.
        JsonObject key = (JsonObject) prior.get(0);
        Entry old = ctx.identified("Patient", key, true);
        if (old == ctx.patient) {
            return;
        }
        JsonObject o = old.resource;
        JsonArray ids = o.arr("identifier");
        for (int i = 0; i < prior.size(); i++) {
            if (!contains(ids, (JsonObject) prior.get(i))) {
                ids.add(prior.get(i));
            }
        }
        o.put("active", Boolean.FALSE);
        for (V2Composite xpn : mrg.repetitions(7)) {
            o.add("name", PersonTypes.humanName(ctx.types, xpn));
        }
        link(o, ctx.patient, "replaced-by");
        survivor.put("active", Boolean.TRUE);
        link(survivor, old, "replaces");
    }

    /**
     * A24 (link patient information): the two PIDs are the same person in two records, each gets {@code link
     * seealso} the other. (A37, unlink, needs nothing here: the ADT's conditional updates write both patients
     * without the link.)
     */
    static void linkPatients(BundleContext ctx, Entry first, Entry second) {
        if (!ctx.event.equals("A24") || first == null || first == second) {
            return;
        }
        link(first.resource, second, "seealso");
        link(second.resource, first, "seealso");
    }

    /** Adds (or retypes) the link of {@code patient} to {@code other}: one link per pair. */
    private static void link(JsonObject patient, Entry other, String type) {
        JsonArray links = patient.arr("link");
        for (int i = 0; i < links.size(); i++) {
            JsonObject link = (JsonObject) links.get(i);
            if (other.fullUrl.equals(((JsonObject) link.get("other")).getString("reference"))) {
                link.put("type", type);
                return;
            }
        }
        links.add(new JsonObject().put("other", other.reference()).put("type", type));
    }

    /**
     * MRG-3 (IG MRG[Account]): the prior account, subject the PID's patient. A merged or renumbered account
     * (A35, A36, A41, A49) is inactive, a moved one (A44) stays active under its new patient, otherwise its
     * status is unknown (IG) and it is only created when the server lacks it.
     */
    private static void account(BundleContext ctx, V2Segment mrg) {
        JsonObject prior = ctx.types.identifier(mrg.first(3));
        if (prior == null) {
            return;
        }
        if (prior.getString("system") == null) {
            prior.put("system", ctx.types.local(ctx.senderKey.replace('^', '.') + ".account"));
        }
        String event = ctx.event;
        JsonObject current = ctx.types.identifier(ctx.patientSegment.first(18));
        if (current != null && current.getString("system") == null) {
            current.put("system", ctx.types.local(ctx.senderKey.replace('^', '.') + ".account"));
        }
        boolean renumbered = event.equals("A49") && current != null && !BundleContext.key(current)
                .equals(BundleContext.key(prior));
        String status;
        if (ACCOUNT_MERGES.contains(event)) {
            status = "inactive";
        } else if (event.equals("A44") || renumbered) {
            status = "active";
        } else {
            status = "unknown";
        }
        Entry e = ctx.identified("Account", prior, !status.equals("unknown"));
        JsonObject r = e.resource;
        JsonArray ids = new JsonArray();
        if (renumbered) {
            // A49: the account keeps its record under the new number, the prior one stays as old.
            ids.add(current);
            prior.put("use", "old");
        }
        ids.add(prior);
        r.put("identifier", ids);
        r.put("status", status);
        r.put("subject", new JsonArray().add(ctx.patientRef()));
        if (ACCOUNT_MERGES.contains(event) && current != null && !BundleContext.key(current)
                .equals(BundleContext.key(prior))) {
            Entry survivor = ctx.identified("Account", current, true);
            survivor.resource.put("identifier", new JsonArray().add(current)).put("status", "active")
                    .put("subject", new JsonArray().add(ctx.patientRef()));
        }
    }

    /** MRG-5 (else MRG-6 for A51): the prior visit number, for the Encounter of the following PV1. */
    private static JsonObject priorVisit(BundleContext ctx, V2Segment mrg) {
        JsonObject id = ctx.types.identifier(ctx.event.equals("A51") && mrg.has(6) ? mrg.first(6) : mrg.first(5));
        if (id == null) {
            id = ctx.types.identifier(mrg.first(6));
        }
        if (id != null && id.getString("system") == null) {
            id.put("system", ctx.types.local(ctx.senderKey.replace('^', '.') + ".visit"));
        }
        return id;
    }

    /**
     * Applies a prior visit number to the Encounter of the PV1: without a PV1-19 it is the visit's identity (A45
     * moves the visit to this patient); when it differs from PV1-19 it stays as an {@code old} identifier, and for
     * a number change (A50, A51) the Encounter is found by it.
     */
    static void priorVisitOnEncounter(BundleContext ctx, Entry encounter, boolean fromVisitNumber) {
        JsonObject prior = ctx.priorVisit;
        ctx.priorVisit = null;
        if (prior == null || !fromVisitNumber) {
            return;
        }
        JsonArray ids = encounter.resource.arr("identifier");
        if (contains(ids, prior)) {
            return;
        }
        prior.put("use", "old");
        ids.add(prior);
        if (VISIT_CHANGES.contains(ctx.event) && encounter.hasRequest()) {
            encounter.requestBy(prior);
        }
    }

    static boolean contains(JsonArray ids, JsonObject id) {
        String system = id.getString("system");
        String value = id.getString("value");
        for (int i = 0; i < ids.size(); i++) {
            JsonObject o = (JsonObject) ids.get(i);
            if (value.equals(o.getString("value")) && java.util.Objects.equals(system, o.getString("system"))) {
                return true;
            }
        }
        return false;
    }
}
