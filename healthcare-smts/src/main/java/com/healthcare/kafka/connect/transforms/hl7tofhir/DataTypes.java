package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import com.healthcare.kafka.connect.transforms.hl7tofhir.MappingTables.Target;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Time;

/**
 * HL7 v2 data types to FHIR R4 data types, following the V2-to-FHIR IG data type maps (CWE/CE/CNE[CodeableConcept],
 * CX[Identifier], EI[Identifier], HD[uri], DTM[dateTime], DR[Period]; quantities are in {@link Quantities}, names,
 * addresses and contact points in {@link PersonTypes}). Stateless apart from its immutable tables: thread-safe.
 */
final class DataTypes {

    static final String UCUM = "http://unitsofmeasure.org";
    static final String V2 = "http://terminology.hl7.org/CodeSystem/v2-";
    private static final Set<String> ISO_LANGUAGES = Set.of(Locale.getISOLanguages());
    private static final Set<String> ISO_COUNTRIES = Set.of(Locale.getISOCountries());

    private final MappingTables tables;
    private final ConversionSettings settings;
    private final UcumUnits ucum;
    /** Sending application and facility, scoping local coding systems ("L", "99zzz"); null for none. */
    private final String sender;
    /**
     * The message's country (MSH-17, else the patient's address country): TRUE for the US, FALSE for another
     * country, null when the message does not say. A US social security number system needs it.
     */
    private final Boolean us;
    /** Per-message view only: the segment being mapped, and what was dropped on the way (null until a warning). */
    private V2Segment current;
    private java.util.List<String> warnings;

    DataTypes(MappingTables tables, ConversionSettings settings, UcumUnits ucum) {
        this(tables, settings, ucum, null, null);
    }

    private DataTypes(MappingTables tables, ConversionSettings settings, UcumUnits ucum, String sender, Boolean us) {
        this.tables = tables;
        this.settings = settings;
        this.ucum = ucum;
        this.sender = sender;
        this.us = us;
    }

    /** A view for one message: local coding systems get the sender's name, since they are its own. */
    DataTypes forSender(String sendingApplication, String sendingFacility) {
        return forSender(sendingApplication, sendingFacility, null);
    }

    /** As {@link #forSender(String, String)}, with the message's country code (ISO 3166, any form) when known. */
    DataTypes forSender(String sendingApplication, String sendingFacility, String country) {
        StringBuilder b = new StringBuilder();
        if (sendingApplication != null) {
            b.append(sendingApplication);
        }
        if (sendingFacility != null) {
            b.append(b.length() > 0 ? "." : "").append(sendingFacility);
        }
        Boolean inUs = null;
        if (country != null) {
            String c = country.strip().toUpperCase(Locale.ROOT);
            inUs = c.equals("USA") || c.equals("US") || c.equals("840");
        }
        return new DataTypes(tables, settings, ucum, b.length() == 0 ? null : b.toString(), inUs);
    }

    MappingTables tables() {
        return tables;
    }

    ConversionSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- warnings

    /** Marks the segment being mapped (named in warnings). */
    void at(V2Segment segment) {
        this.current = segment;
    }

    V2Segment current() {
        return current;
    }

    /**
     * Records that an optional element was dropped: "where: why" with the segment's position. No value is quoted
     * (it may be PHI).
     */
    void warn(String where, String why) {
        if (warnings == null) {
            warnings = new java.util.ArrayList<>(2);
        }
        String w = where + (current == null ? "" : " (segment " + (current.position() + 1) + ")") + ": " + why;
        if (warnings.size() < 20 && !warnings.contains(w)) {
            warnings.add(w);
        }
    }

    /** Warnings so far, in message order; empty when none. */
    java.util.List<String> warnings() {
        return warnings == null ? java.util.List.of() : warnings;
    }

    // ---------------------------------------------------------------- dates and times

    /**
     * FHIR dateTime of a DTM/TS/DT field, or null. Dates are optional elements: an invalid one is dropped with a
     * warning ({@link #requiredDateTime} where the resource cannot do without it).
     */
    String dateTime(V2Segment s, int field) {
        return dateTime(s.get(field), where(s, field));
    }

    String dateTime(String v, String where) {
        return optional(v, where, "timestamp", time -> time.toDateTime(settings.zone()));
    }

    /** A dateTime the resource requires: an invalid value fails the conversion naming the field. */
    String requiredDateTime(V2Segment s, int field) {
        String v = s.get(field);
        if (v == null) {
            return null;
        }
        try {
            return V2Time.parse(v).toDateTime(settings.zone());
        } catch (IllegalArgumentException e) {
            throw new ConversionException(where(s, field) + " is not a valid HL7 timestamp");
        }
    }

    String instant(String v, String where) {
        return optional(v, where, "timestamp", time -> time.toInstant(settings.zone()));
    }

    String date(String v, String where) {
        return optional(v, where, "date", V2Time::toDate);
    }

    /** An optional date/time element in FHIR form, or null: an invalid value is dropped with a warning. */
    private String optional(String v, String where, String kind, Function<V2Time, String> form) {
        if (v == null) {
            return null;
        }
        try {
            return form.apply(V2Time.parse(v));
        } catch (IllegalArgumentException e) {
            warn(where, "not a valid HL7 " + kind + ", dropped");
            return null;
        }
    }

    /** A Period from two timestamps; null when both are absent. */
    JsonObject period(String start, String end, String where) {
        String s = dateTime(start, where);
        String e = dateTime(end, where);
        if (s == null && e == null) {
            return null;
        }
        return new JsonObject().put("start", s).put("end", e);
    }

    /** DR (date range) as a Period. */
    JsonObject period(V2Composite dr, String where) {
        return period(dr.get(1), dr.get(2), where);
    }

    static String where(V2Segment s, int field) {
        return s.name() + "-" + field;
    }

    // ---------------------------------------------------------------- primitives

    /** Table 0136 Y/N as a boolean; null for anything else. */
    Boolean yesNo(String v) {
        String b = tables.map("yes-no").code(v);
        return b == null ? null : Boolean.valueOf(b);
    }

    /** A FHIR code: trimmed, inner whitespace runs collapsed (FHIR code has no double spaces). */
    static String code(String v) {
        if (v == null) {
            return null;
        }
        String t = v.strip();
        if (t.isEmpty()) {
            return null;
        }
        boolean ws = false;
        for (int i = 0; i < t.length(); i++) {
            if (Character.isWhitespace(t.charAt(i)) && (t.charAt(i) != ' '
                    || (i + 1 < t.length() && Character.isWhitespace(t.charAt(i + 1))))) {
                ws = true;
                break;
            }
        }
        return ws ? t.replaceAll("\\s+", " ") : t;
    }

    /** A positive integer (FHIR positiveInt), or null when the text is not one. */
    static Integer positiveInt(String v) {
        if (v == null) {
            return null;
        }
        try {
            int i = Integer.parseInt(v.strip());
            return i > 0 ? i : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Integer unsignedInt(String v) {
        if (v == null) {
            return null;
        }
        try {
            int i = Integer.parseInt(v.strip());
            return i >= 0 ? i : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- systems

    /** The FHIR URI of a coding system name, the local prefix when unknown, null for no name. */
    String codingSystem(String name) {
        if (name == null) {
            return null;
        }
        String uri = tables.codingSystem(name);
        if (uri != null) {
            return uri;
        }
        if (Uris.isAbsolute(name) && name.contains("/")) {
            return name; // v2.7+ senders may put a URI in the coding system component
        }
        if (sender != null && (name.equals("L") || name.startsWith("99"))) {
            // Local codes (table 0396 "L", "99zzz") only mean something within their sender.
            return local(sender + "." + name);
        }
        return local(name);
    }

    String local(String name) {
        return settings.localSystemPrefix() + Uris.encodePart(name);
    }

    /**
     * Identifier.system for an assigning authority (HD: namespace, universal id, universal id type): the
     * identifier-systems table, then an ISO OID / UUID / URI universal id, then local prefix + namespace.
     */
    String identifierSystem(String namespace, String universalId, String universalIdType) {
        if (namespace != null) {
            String mapped = usOnly(namespace, tables.identifierSystem(namespace));
            if (mapped != null) {
                return mapped;
            }
        }
        if (universalId != null) {
            String mapped = usOnly(universalId, tables.identifierSystem(universalId));
            if (mapped != null) {
                return mapped;
            }
            String type = universalIdType == null ? "" : universalIdType.toUpperCase(Locale.ROOT);
            if ((type.equals("ISO") || type.isEmpty()) && Uris.isOid(universalId)) {
                return "urn:oid:" + universalId;
            }
            if ((type.equals("UUID") || type.isEmpty()) && Uris.isUuid(universalId)) {
                return "urn:uuid:" + universalId.toLowerCase(Locale.ROOT);
            }
            if ((type.equals("URI") || type.equals("URL") || type.isEmpty()) && Uris.isAbsolute(universalId)) {
                return universalId;
            }
            if (namespace == null) {
                return local(universalId);
            }
        }
        return namespace == null ? null : local(namespace);
    }

    static final String US_SSN = "http://hl7.org/fhir/sid/us-ssn";
    /** Authority names that are the US Social Security Administration whatever the message's country. */
    private static final Set<String> US_SSA = Set.of("SSA", "USSSA", "2.16.840.1.113883.4.1");

    /**
     * An authority merely named "SSN" (or any other name a site maps to us-ssn) is a US social security number
     * only in a US message: elsewhere it is some national number, kept under its own name.
     */
    private String usOnly(String authority, String mapped) {
        if (US_SSN.equals(mapped) && !US_SSA.contains(authority.toUpperCase(Locale.ROOT)) && !Boolean.TRUE.equals(us)) {
            return null;
        }
        return mapped;
    }

    /**
     * The system of a social security number given without an authority (PID-19, NK1-37, CX.5 "SS"): us-ssn
     * unless the message is from another country, then local + "SSN".
     */
    String ssnSystem() {
        return Boolean.FALSE.equals(us) ? local("SSN") : US_SSN;
    }

    /** Identifier.system from an HD composite (or an HD inside a component). */
    String identifierSystem(V2Composite hd) {
        return identifierSystem(hd.get(1), hd.get(2), hd.get(3));
    }

    // ---------------------------------------------------------------- codes

    /**
     * A Coding. {@code systemName} is a v2 coding system name (table 0396); when absent and {@code defaultTable}
     * is given, the code is read as an HL7 table code. A code FHIR R4 does not define in that HL7 table gets the
     * local system so the validator (and a FHIR server) do not reject it.
     */
    JsonObject coding(String code, String display, String systemName, String version, String defaultTable) {
        String c = code(code);
        if (c == null) {
            return null;
        }
        String system;
        if (systemName != null) {
            String table = hl7Table(systemName);
            if (table != null) {
                system = tables.inV2Table(table, c) ? V2 + table : local("HL7" + table);
            } else {
                system = codingSystem(systemName);
            }
        } else if (defaultTable != null) {
            system = tables.inV2Table(defaultTable, c) ? V2 + defaultTable : local("HL7" + defaultTable);
        } else {
            system = null;
        }
        JsonObject coding = new JsonObject().put("system", system);
        if (system != null && system.equals(UCUM)) {
            String u = ucum.code(c);
            if (u == null) {
                coding.put("system", local("UCUM"));
            } else {
                c = u;
            }
        }
        return coding.put("version", version).put("code", c).put("display", display);
    }

    private static String hl7Table(String systemName) {
        if (systemName.length() == 7 && systemName.regionMatches(true, 0, "HL7", 0, 3)) {
            String t = systemName.substring(3);
            for (int i = 0; i < 4; i++) {
                if (!Character.isDigit(t.charAt(i))) {
                    return null;
                }
            }
            return t;
        }
        return null;
    }

    /**
     * CWE/CE/CNE/CF to CodeableConcept: the identifier triplet, the alternate triplet and (v2.6+) the second
     * alternate triplet as codings, original text (CWE.9) as text. A coded element with no code keeps its display
     * as text so nothing is lost.
     */
    JsonObject codeableConcept(V2Composite cwe, String defaultTable) {
        if (cwe == null || cwe.isEmpty()) {
            return null;
        }
        JsonObject cc = new JsonObject();
        JsonArray codings = new JsonArray();
        codings.add(coding(cwe.get(1), cwe.get(2), cwe.get(3), cwe.get(7), defaultTable));
        codings.add(coding(cwe.get(4), cwe.get(5), cwe.get(6), cwe.get(8), defaultTable));
        codings.add(coding(cwe.get(10), cwe.get(11), cwe.get(12), cwe.get(13), defaultTable));
        if (codings.size() > 0) {
            cc.put("coding", dedupeCodings(codings));
        }
        String text = cwe.get(9);
        if (text == null && codings.size() == 0) {
            text = cwe.get(2) != null ? cwe.get(2) : cwe.get(5);
        }
        cc.put("text", text);
        return cc.isEmpty() ? null : cc;
    }

    private static JsonArray dedupeCodings(JsonArray codings) {
        if (codings.size() < 2) {
            return codings;
        }
        JsonArray out = new JsonArray();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < codings.size(); i++) {
            JsonObject c = (JsonObject) codings.get(i);
            if (seen.add(c.getString("system") + "|" + c.getString("code"))) {
                out.add(c);
            }
        }
        return out;
    }

    /** A CodeableConcept whose first coding comes from a concept map; the sender's own coding is kept after it. */
    JsonObject mappedConcept(V2Composite cwe, String mapName, String defaultTable) {
        JsonObject cc = codeableConcept(cwe, defaultTable);
        if (cc == null) {
            return null;
        }
        Target t = tables.map(mapName).get(cwe.get(1));
        if (t != null && t.system != null) {
            JsonArray codings = new JsonArray();
            codings.add(new JsonObject().put("system", t.system).put("code", t.code).put("display", t.display));
            Object existing = cc.get("coding");
            if (existing instanceof JsonArray) {
                JsonArray ex = (JsonArray) existing;
                for (int i = 0; i < ex.size(); i++) {
                    JsonObject c = (JsonObject) ex.get(i);
                    if (!(t.system.equals(c.getString("system")) && t.code.equals(c.getString("code")))) {
                        codings.add(c);
                    }
                }
            }
            cc.put("coding", codings);
        }
        return cc;
    }

    /** A single code value from a concept map (e.g. administrative gender). */
    String mappedCode(String v2, String mapName) {
        return tables.map(mapName).code(v2);
    }

    /** A Coding for a v2 table code (ID/IS types): the table system when R4 defines the code, else local. */
    JsonObject tableCoding(String code, String table, String display) {
        return coding(code, display, null, null, table);
    }

    JsonObject tableConcept(String code, String table) {
        JsonObject c = tableCoding(code, table, null);
        return c == null ? null : new JsonObject().add("coding", c);
    }

    /** A CodeableConcept for PID-15 style language fields: BCP 47 coding when the code is known, else text. */
    JsonObject language(V2Composite cwe) {
        if (cwe == null || cwe.isEmpty()) {
            return null;
        }
        String raw = cwe.get(1);
        String tag = raw == null ? null : bcp47(raw);
        JsonObject cc = new JsonObject();
        if (tag != null) {
            cc.add("coding", new JsonObject().put("system", "urn:ietf:bcp:47").put("code", tag)
                    .put("display", cwe.get(2)));
        }
        String text = cwe.get(9) != null ? cwe.get(9) : cwe.get(2);
        if (tag == null && text == null) {
            text = raw;
        }
        return cc.put("text", text);
    }

    String bcp47(String raw) {
        String mapped = tables.language(raw);
        if (mapped != null) {
            return mapped;
        }
        String v = raw.replace('_', '-');
        String[] parts = v.split("-");
        String lang = parts[0].toLowerCase(Locale.ROOT);
        if (lang.length() != 2 || !ISO_LANGUAGES.contains(lang)) {
            return null;
        }
        if (parts.length == 1) {
            return lang;
        }
        if (parts.length == 2 && parts[1].length() == 2 && ISO_COUNTRIES.contains(parts[1].toUpperCase(Locale.ROOT))) {
            return lang + "-" + parts[1].toUpperCase(Locale.ROOT);
        }
        return null;
    }

    // ---------------------------------------------------------------- identifiers

    /** CX to Identifier (IG CX[Identifier]): value, system from the assigning authority, type, period. */
    JsonObject identifier(V2Composite cx) {
        if (cx == null) {
            return null;
        }
        String value = cx.get(1);
        if (value == null) {
            return null;
        }
        V2Composite authority = cx.component(4);
        String type = code(cx.get(5));
        String system = identifierSystem(authority);
        if (system == null && type != null) {
            system = tables.identifierTypeSystem(type);
            if (US_SSN.equals(system)) {
                system = ssnSystem();
            }
        }
        JsonObject id = new JsonObject();
        if (type != null) {
            id.put("type", identifierType(type));
        }
        id.put("system", system).put("value", value);
        JsonObject period = period(cx.get(7), cx.get(8), "CX.7/CX.8");
        id.put("period", period);
        String assigner = authority.get(1) != null ? authority.get(1) : authority.get(2);
        if (assigner != null) {
            id.put("assigner", new JsonObject().put("display", assigner));
        }
        return id;
    }

    JsonObject identifierType(String code) {
        JsonObject coding = tableCoding(code, "0203", null);
        return new JsonObject().add("coding", coding);
    }

    /**
     * EI (entity identifier: id, namespace, universal id, type) to Identifier, with an optional v2-0203 type
     * code (PLAC, FILL...).
     */
    JsonObject identifierEI(V2Composite ei, String typeCode) {
        if (ei == null) {
            return null;
        }
        String value = ei.get(1);
        if (value == null) {
            return null;
        }
        JsonObject id = new JsonObject();
        if (typeCode != null) {
            id.put("type", identifierType(typeCode));
        }
        id.put("system", identifierSystem(ei.get(2), ei.get(3), ei.get(4))).put("value", value);
        return id;
    }

    UcumUnits ucum() {
        return ucum;
    }
}
