package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.Set;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Time;

/** PID, PD1 (Patient), NK1 (Patient.contact, RelatedPerson) and MRG (Patient.link) per the IG segment maps. */
final class PatientMapper {

    private static final String EXT = "http://hl7.org/fhir/StructureDefinition/";
    /** NK1-3 codes naming an organisation or role rather than a person (IG NK1 condition). */
    private static final Set<String> NOT_A_PERSON = Set.of("EMR", "E", "F", "I", "S");

    private PatientMapper() {
    }

    /** PID: starts a patient; every later segment refers to it. */
    static void pid(BundleContext ctx, V2Segment pid) {
        DataTypes t = ctx.types;
        Entry previous = ctx.patient;
        JsonArray identifiers = new JsonArray();
        java.util.Set<String> seen = new java.util.HashSet<>();
        JsonObject key = null;
        boolean keyIsMr = false;
        JsonObject fallback = null;
        // The conditional-update key: a PID-3 identifier with a system, an MR one preferred; PID-2/PID-4 after.
        for (int field : new int[] {3, 2, 4}) {
            for (V2Composite cx : pid.repetitions(field)) {
                JsonObject id = t.identifier(cx);
                if (id == null || !seen.add(id.getString("system") + "|" + id.getString("value"))) {
                    continue;
                }
                identifiers.add(id);
                if (id.getString("system") == null) {
                    if (fallback == null) {
                        fallback = id;
                    }
                    continue;
                }
                boolean mr = field == 3 && "MR".equals(DataTypes.code(cx.get(5)));
                if (key == null || (mr && !keyIsMr)) {
                    key = id;
                    keyIsMr = mr;
                }
            }
        }
        String ssn = pid.get(19);
        if (ssn != null && seen.add(t.ssnSystem() + "|" + ssn)) {
            identifiers.add(new JsonObject().put("type", t.identifierType("SS"))
                    .put("system", t.ssnSystem()).put("value", ssn));
        }
        V2Composite dln = pid.first(20);
        if (dln.get(1) != null) {
            String state = dln.get(2);
            identifiers.add(new JsonObject().put("type", t.identifierType("DL"))
                    .put("system", t.local("DLN" + (state == null ? "" : "." + state)))
                    .put("value", dln.get(1))
                    .put("period", t.period(null, dln.get(3), "PID-20.3")));
        }
        Entry patient;
        if (key == null && fallback != null) {
            // An identifier without an authority still identifies the patient within this sender.
            fallback.put("system", t.local(ctx.senderKey.replace('^', '.') + ".patient"));
            key = fallback;
        }
        if (key != null) {
            patient = ctx.identified("Patient", key, ctx.owns("ADT"));
        } else if (ctx.settings.bundleType().hasRequests()) {
            throw new ConversionException("PID-3 holds no patient identifier; a transaction needs one to "
                    + "update the patient idempotently");
        } else {
            patient = ctx.entry("Patient", ctx.messageKey("PID-" + pid.position()));
        }
        MergeMapper.linkPatients(ctx, previous, patient);
        ctx.patient = patient;
        ctx.patientIdentifier = key;
        ctx.patientSegment = pid;
        ctx.priorVisit = null;
        ctx.encounter = null;
        JsonObject p = patient.resource;
        p.put("identifier", identifiers);

        JsonArray names = new JsonArray();
        for (V2Composite xpn : pid.repetitions(5)) {
            names.add(PersonTypes.humanName(t, xpn));
        }
        for (V2Composite xpn : pid.repetitions(9)) {
            names.add(PersonTypes.humanName(t, xpn));
        }
        p.put("name", names);

        JsonArray telecom = new JsonArray();
        for (V2Composite xtn : pid.repetitions(13)) {
            telecom.add(PersonTypes.contactPoint(t, xtn, "home"));
        }
        for (V2Composite xtn : pid.repetitions(14)) {
            telecom.add(PersonTypes.contactPoint(t, xtn, "work"));
        }
        for (V2Composite xtn : pid.repetitions(40)) {
            telecom.add(PersonTypes.contactPoint(t, xtn, null));
        }
        p.put("telecom", telecom);

        String gender = t.mappedCode(pid.get(8), "administrative-sex");
        p.put("gender", gender);

        String dob = pid.get(7);
        if (dob != null) {
            String birthDate = t.date(dob, "PID-7");
            p.put("birthDate", birthDate);
            V2Time parsed = birthDate == null ? null : V2Time.parse(dob);
            if (parsed != null && parsed.hasTime()) {
                p.put("_birthDate", new JsonObject().add("extension", new JsonObject()
                        .put("url", EXT + "patient-birthTime")
                        .put("valueDateTime", parsed.toDateTime(ctx.settings.zone()))));
            }
        }

        String deceased = pid.get(29);
        if (deceased != null) {
            p.put("deceasedDateTime", t.dateTime(deceased, "PID-29"));
        } else {
            p.put("deceasedBoolean", t.yesNo(pid.get(30)));
        }

        JsonArray addresses = new JsonArray();
        for (V2Composite xad : pid.repetitions(11)) {
            addresses.add(PersonTypes.address(t, xad));
        }
        String county = pid.get(12);
        if (county != null) {
            if (addresses.size() == 1 && !((JsonObject) addresses.get(0)).has("district")) {
                ((JsonObject) addresses.get(0)).put("district", county);
            } else if (addresses.size() == 0) {
                addresses.add(new JsonObject().put("district", county));
            }
        }
        p.put("address", addresses);

        p.put("maritalStatus", t.mappedConcept(pid.first(16), "marital-status", "0002"));

        Integer order = DataTypes.positiveInt(pid.get(25));
        if (order != null) {
            p.put("multipleBirthInteger", order);
        } else {
            Boolean multiple = t.yesNo(pid.get(24));
            p.put("multipleBirthBoolean", multiple);
        }

        JsonObject language = t.language(pid.first(15));
        if (language != null) {
            p.add("communication", new JsonObject().put("language", language).put("preferred", Boolean.TRUE));
        }

        JsonArray ext = new JsonArray();
        V2Composite maiden = pid.first(6);
        if (maiden.get(1) != null) {
            ext.add(new JsonObject().put("url", EXT + "patient-mothersMaidenName")
                    .put("valueString", maiden.get(1)));
        }
        JsonObject religion = t.codeableConcept(pid.first(17), "0006");
        if (religion != null) {
            ext.add(new JsonObject().put("url", EXT + "patient-religion").put("valueCodeableConcept", religion));
        }
        String birthPlace = pid.get(23);
        if (birthPlace != null) {
            ext.add(new JsonObject().put("url", EXT + "patient-birthPlace")
                    .put("valueAddress", new JsonObject().put("text", birthPlace)));
        }
        for (V2Composite c : pid.repetitions(26)) {
            JsonObject cc = t.codeableConcept(c, "0171");
            if (cc != null) {
                ext.add(new JsonObject().put("url", EXT + "patient-citizenship").add("extension",
                        new JsonObject().put("url", "code").put("valueCodeableConcept", cc)));
            }
        }
        JsonObject nationality = t.codeableConcept(pid.first(28), "0212");
        if (nationality != null) {
            ext.add(new JsonObject().put("url", EXT + "patient-nationality").add("extension",
                    new JsonObject().put("url", "code").put("valueCodeableConcept", nationality)));
        }
        p.put("extension", ext);

        // PID-21 mother's identifier: a RelatedPerson (IG CX[RelatedPerson-Mother]).
        for (V2Composite cx : pid.repetitions(21)) {
            JsonObject id = t.identifier(cx);
            if (id == null) {
                continue;
            }
            if (id.getString("system") == null) {
                id.put("system", t.local(ctx.senderKey.replace('^', '.') + ".patient"));
            }
            Entry mother = ctx.identified("RelatedPerson", id, false);
            JsonObject m = mother.resource;
            if (!m.has("patient")) {
                m.add("identifier", id);
                m.put("patient", patient.reference());
                m.add("relationship", new JsonObject().add("coding", new JsonObject()
                        .put("system", "http://terminology.hl7.org/CodeSystem/v3-RoleCode").put("code", "MTH")
                        .put("display", "mother")));
            }
        }
    }

    /** PD1: primary care providers and disability (IG PD1[Patient]). */
    static void pd1(BundleContext ctx, V2Segment pd1) {
        if (ctx.patient == null) {
            return;
        }
        JsonObject p = ctx.patient.resource;
        for (V2Composite xon : pd1.repetitions(3)) {
            p.add("generalPractitioner", SharedResources.organization(ctx, xon));
        }
        for (V2Composite xcn : pd1.repetitions(4)) {
            JsonObject ref = SharedResources.practitioner(ctx, xcn);
            if (ref != null && ref.has("reference")) {
                p.add("generalPractitioner", ref);
            } else if (ref != null) {
                p.add("generalPractitioner", ref);
            }
        }
        JsonObject disability = ctx.types.codeableConcept(pd1.first(6), "0295");
        if (disability != null) {
            p.add("extension", new JsonObject().put("url", EXT + "patient-disability")
                    .put("valueCodeableConcept", disability));
        }
    }

    /** NK1: a Patient.contact, and a RelatedPerson when the party is a person (IG NK1[Patient], NK1[RelatedPerson]). */
    static void nk1(BundleContext ctx, V2Segment nk1) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonArray names = new JsonArray();
        for (V2Composite xpn : nk1.repetitions(2)) {
            names.add(PersonTypes.humanName(t, xpn));
        }
        for (V2Composite xpn : nk1.repetitions(30)) {
            names.add(PersonTypes.humanName(t, xpn));
        }
        JsonObject relationship = t.mappedConcept(nk1.first(3), "relationship", "0063");
        JsonObject role = t.codeableConcept(nk1.first(7), "0131");
        JsonArray addresses = new JsonArray();
        for (V2Composite xad : nk1.repetitions(4)) {
            addresses.add(PersonTypes.address(t, xad));
        }
        for (V2Composite xad : nk1.repetitions(32)) {
            addresses.add(PersonTypes.address(t, xad));
        }
        JsonArray telecom = new JsonArray();
        for (V2Composite xtn : nk1.repetitions(5)) {
            telecom.add(PersonTypes.contactPoint(t, xtn, "home"));
        }
        for (V2Composite xtn : nk1.repetitions(6)) {
            telecom.add(PersonTypes.contactPoint(t, xtn, "work"));
        }
        for (V2Composite xtn : nk1.repetitions(31)) {
            telecom.add(PersonTypes.contactPoint(t, xtn, null));
        }
        for (int f : new int[] {40, 41}) {
            for (V2Composite xtn : nk1.repetitions(f)) {
                telecom.add(PersonTypes.contactPoint(t, xtn, null));
            }
        }
        String gender = t.mappedCode(nk1.get(15), "administrative-sex");
        JsonObject period = t.period(nk1.get(8), nk1.get(9), "NK1-8/NK1-9");
        JsonObject organization = SharedResources.organization(ctx, nk1.first(13));

        JsonObject contact = new JsonObject();
        JsonArray rel = new JsonArray();
        rel.add(relationship);
        rel.add(role);
        contact.put("relationship", rel);
        if (names.size() > 0) {
            contact.put("name", names.get(0));
        }
        contact.put("telecom", telecom);
        if (addresses.size() > 0) {
            contact.put("address", addresses.get(0));
        }
        contact.put("gender", gender);
        contact.put("organization", organization);
        contact.put("period", period);
        if (contact.has("name") || contact.has("telecom") || contact.has("address") || contact.has("organization")) {
            ctx.patient.resource.add("contact", contact);
        }

        String relCode = nk1.get(3, 1);
        if (names.size() == 0 || (relCode != null && NOT_A_PERSON.contains(relCode))) {
            return;
        }
        JsonArray identifiers = new JsonArray();
        JsonObject key = null;
        for (int f : new int[] {12, 33}) {
            for (V2Composite cx : nk1.repetitions(f)) {
                JsonObject id = t.identifier(cx);
                if (id != null) {
                    identifiers.add(id);
                    if (key == null && id.getString("system") != null) {
                        key = id;
                    }
                }
            }
        }
        String ssn = nk1.get(37);
        if (ssn != null) {
            identifiers.add(new JsonObject().put("type", t.identifierType("SS"))
                    .put("system", t.ssnSystem()).put("value", ssn));
        }
        if (key == null) {
            key = ctx.derivedIdentifier("RelatedPerson", ctx.patientKey(),
                    PersonTypes.displayName((JsonObject) names.get(0)), relCode);
            identifiers.add(key);
        }
        Entry e = ctx.identified("RelatedPerson", key, ctx.owns("ADT"));
        JsonObject r = e.resource;
        r.put("identifier", identifiers);
        r.put("active", Boolean.TRUE);
        r.put("patient", ctx.patientRef());
        r.put("relationship", rel);
        r.put("name", names);
        r.put("telecom", telecom);
        r.put("gender", gender);
        String birth = nk1.get(16);
        r.put("birthDate", t.date(birth, "NK1-16"));
        r.put("address", addresses);
        r.put("period", period);
        JsonObject language = t.language(nk1.first(20));
        if (language != null) {
            r.add("communication", new JsonObject().put("language", language));
        }
    }
}
