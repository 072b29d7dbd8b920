package com.healthcare.kafka.connect.transforms.mask;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Messages and resources full of (made-up) PHI, and the identifiers none of the masked output may contain. */
public final class PhiSamples {

    /** "Now" for the tests: ages are computed against 2025. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);
    public static final String KEY = "0123456789abcdef-test-key";

    /** Identifiers in {@link #adtA01(String)} and {@link #patientJson()}: none may survive safe-harbor. */
    public static final List<String> IDENTIFIERS = List.of("MRN123456", "ALT998877", "EXT-77", "DOE", "Doe",
            "JANE", "Jane", "QUINN", "123 MAIN", "Main St", "SPRINGFIELD", "Springfield", "SANGAMON", "62704",
            "555-0123", "555-0199", "555-0124", "5550123", "jane.doe@example.com", "jdoe@mail.example.org",
            "ACCT7654321", "123-45-6789", "987-65-4321", "D1234567", "VN555666", "POL998877", "SUB112233",
            "GRP555", "ACME", "19800517", "1980-05-17", "0517", "JOHN", "SMITHERS", "Peoria", "WIDGETCO",
            "MOM-4411", "NK-8811", "Called Jane", "JVBERi0", "19300102", "EMP-3321", "GUAR-5151");

    private PhiSamples() {
    }

    /** One HL7 segment from field number -> text (the rest empty). */
    public static String seg(String name, Map<Integer, String> fields) {
        TreeMap<Integer, String> sorted = new TreeMap<>(fields);
        int last = sorted.isEmpty() ? 0 : sorted.lastKey();
        StringBuilder out = new StringBuilder(name);
        int first = name.equals("MSH") ? 2 : 1;
        if (name.equals("MSH")) {
            out.append('|').append(fields.getOrDefault(2, "^~\\&"));
        }
        for (int i = first + (name.equals("MSH") ? 1 : 0); i <= last; i++) {
            out.append('|').append(sorted.getOrDefault(i, ""));
        }
        return out.toString();
    }

    /** An ADT^A01 in {@code version} (2.3 ... 2.8.1) carrying every kind of identifier. */
    public static String adtA01(String version) {
        boolean v27 = version.compareTo("2.7") >= 0;
        return String.join("\r",
                seg("MSH", Map.of(3, "EPIC", 4, "HOSP", 5, "LAB", 6, "HOSP", 7, "20240517120000",
                        9, "ADT^A01^ADT_A01", 10, "MSG0001", 11, "P", 12, version, 18, "UNICODE UTF-8")),
                seg("EVN", Map.of(1, v27 ? "" : "A01", 2, "20240517120000", 6, "20240517115500")),
                v27 ? pidV27() : pid(),
                seg("NK1", Map.of(1, "1", 2, "DOE^JOHN", 3, "SPO^Spouse", 4, "123 MAIN ST^^SPRINGFIELD^IL^62704",
                        5, "(217)555-0124", 13, "WIDGETCO", 16, "19300102", 33, "NK-8811^^^HOSP^PI",
                        37, "987-65-4321")),
                seg("PV1", Map.of(1, "1", 2, "I", 3, "4W^401^A", 7, "1234^WELBY^MARCUS", 19, "VN555666^^^HOSP^VN",
                        44, "20240517113000", 45, "20240520100000")),
                seg("GT1", Map.of(1, "1", 2, "GUAR-5151", 3, "DOE^JOHN", 5, "123 MAIN ST^^SPRINGFIELD^IL^62704",
                        6, "(217)555-0124", 8, "19300102", 12, "987-65-4321", 16, "ACME^CORP",
                        19, "EMP-3321")),
                seg("IN1", Map.ofEntries(Map.entry(1, "1"), Map.entry(2, "BC^Blue Cross"), Map.entry(3, "BC123"),
                        Map.entry(4, "Blue Cross"), Map.entry(8, "GRP555"), Map.entry(9, "ACME CORP"),
                        Map.entry(12, "20240101"), Map.entry(16, "DOE^JANE"), Map.entry(17, "SEL"),
                        Map.entry(18, "19800517"), Map.entry(19, "123 MAIN ST^^SPRINGFIELD^IL^62704"),
                        Map.entry(36, "POL998877"), Map.entry(49, "SUB112233^^^BC^MB"))),
                seg("OBX", Map.of(1, "1", 2, "TX", 3, "11506-3^Progress note^LN", 5, "Called Jane at home",
                        11, "F", 14, "20240517130000")),
                seg("OBX", Map.of(1, "2", 2, "ED", 3, "PDF^Report^L", 5, "^AP^PDF^Base64^JVBERi0xLjQK", 11, "F")),
                seg("OBX", Map.of(1, "3", 2, "NM", 3, "30525-0^Age^LN", 5, "95", 6, "a^years^UCUM", 11, "F")),
                seg("NTE", Map.of(1, "1", 2, "L", 3, "Called Jane Doe at 555-0123"))) + "\r";
    }

    private static String pid() {
        return seg("PID", Map.ofEntries(Map.entry(1, "1"), Map.entry(2, "EXT-77"),
                Map.entry(3, "MRN123456^^^HOSP^MR~ALT998877^^^OTHER^PI"),
                Map.entry(5, "DOE^JANE^QUINN^^MRS~DOE^J"), Map.entry(6, "SMITHERS^MARY"),
                Map.entry(7, "19800517"), Map.entry(8, "F"), Map.entry(9, "DOE^JANIE"),
                Map.entry(11, "123 MAIN ST^APT 4^SPRINGFIELD^IL^62704^USA^H^^SANGAMON"),
                Map.entry(12, "SANGAMON"), Map.entry(13, "(217)555-0123^PRN^PH^jane.doe@example.com"),
                Map.entry(14, "(217)555-0199^WPN^PH"), Map.entry(18, "ACCT7654321^^^HOSP^AN"),
                Map.entry(19, "123-45-6789"), Map.entry(20, "D1234567^IL^20300101"),
                Map.entry(21, "MOM-4411^^^HOSP^MR"), Map.entry(23, "Peoria"), Map.entry(29, "20240520")));
    }

    /** v2.7+ withdrew PID-2, 4, 9, 12, 19, 20 (the SSN and licence go to PID-3) and added PID-40. */
    private static String pidV27() {
        return seg("PID", Map.ofEntries(Map.entry(1, "1"),
                Map.entry(3, "MRN123456^^^HOSP^MR~ALT998877^^^OTHER^PI~123-45-6789^^^SSA^SS~D1234567^^^IL^DL"
                        + "~EXT-77^^^EXT^PT"),
                Map.entry(5, "DOE^JANE^QUINN^^MRS~DOE^J"), Map.entry(6, "SMITHERS^MARY"),
                Map.entry(7, "19800517"), Map.entry(8, "F"),
                Map.entry(11, "123 MAIN ST^APT 4^SPRINGFIELD^IL^62704^USA^H^^SANGAMON"),
                Map.entry(13, "^PRN^PH^^^217^5550123"), Map.entry(14, "^WPN^PH^^^217^5550199"),
                Map.entry(18, "ACCT7654321^^^HOSP^AN"), Map.entry(21, "MOM-4411^^^HOSP^MR"),
                Map.entry(23, "Peoria"), Map.entry(29, "20240520"),
                Map.entry(40, "^NET^Internet^jdoe@mail.example.org")));
    }

    /** A FHIR R4 Patient full of identifiers. */
    public static String patientJson() {
        return """
                {"resourceType":"Patient","id":"pat-a1",
                 "meta":{"lastUpdated":"2024-05-17T12:00:00Z"},
                 "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Jane Doe, 1980-05-17</div>"},
                 "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName","valueString":"SMITHERS"},
                              {"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex","valueCode":"F"}],
                 "identifier":[{"use":"usual","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
                                "system":"urn:oid:1.2.3.4","value":"MRN123456"},
                               {"system":"http://hl7.org/fhir/sid/us-ssn","value":"123-45-6789"}],
                 "name":[{"use":"official","family":"Doe","given":["Jane","Quinn"]}],
                 "telecom":[{"system":"phone","value":"(217) 555-0123","use":"home"},
                            {"system":"email","value":"jane.doe@example.com"}],
                 "gender":"female",
                 "birthDate":"1980-05-17",
                 "_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1980-05-17T04:12:00Z"}]},
                 "deceasedBoolean":false,
                 "address":[{"use":"home","line":["123 Main St","Apt 4"],"city":"Springfield","district":"Sangamon",
                             "state":"IL","postalCode":"62704","country":"US","period":{"start":"2010-01-01"}}],
                 "maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"}]},
                 "photo":[{"contentType":"image/jpeg","data":"JVBERi0xLjQK"}],
                 "contact":[{"relationship":[{"text":"spouse"}],"name":{"family":"Doe","given":["John"]},
                             "telecom":[{"system":"phone","value":"555-0124"}],
                             "address":{"line":["123 Main St"],"city":"Springfield","state":"IL","postalCode":"62704"},
                             "organization":{"display":"WIDGETCO"}}],
                 "generalPractitioner":[{"reference":"Practitioner/dr-1","display":"Dr Marcus Welby"}],
                 "managingOrganization":{"reference":"Organization/hosp","display":"General Hospital"}}
                """;
    }

    /** A transaction Bundle: the Patient, an Encounter and an Observation about her, a Coverage. */
    public static String bundleJson() {
        return """
                {"resourceType":"Bundle","type":"transaction","timestamp":"2024-05-17T12:00:00Z",
                 "entry":[
                  {"fullUrl":"urn:uuid:1","resource":%s,
                   "request":{"method":"PUT","url":"Patient?identifier=urn:oid:1.2.3.4|MRN123456","ifNoneExist":"identifier=MRN123456"}},
                  {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Encounter","id":"enc-1","status":"finished",
                     "identifier":[{"system":"urn:visit","value":"VN555666"}],
                     "subject":{"reference":"Patient/pat-a1","display":"Jane Doe"},
                     "period":{"start":"2024-05-17T11:30:00Z","end":"2024-05-20T10:00:00Z"}},
                   "request":{"method":"POST","url":"Encounter"}},
                  {"fullUrl":"urn:uuid:3","resource":{"resourceType":"Observation","id":"obs-1","status":"final",
                     "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
                     "subject":{"reference":"Patient/pat-a1","display":"Jane Doe"},
                     "effectiveDateTime":"2024-05-17T13:00:00+02:00",
                     "valueQuantity":{"value":72.50,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"},
                     "note":[{"authorString":"Jane Doe","text":"Called Jane at 555-0123"}]},
                   "request":{"method":"POST","url":"Observation"}},
                  {"fullUrl":"urn:uuid:4","resource":{"resourceType":"Coverage","id":"cov-1","status":"active",
                     "identifier":[{"value":"POL998877"}],"subscriberId":"SUB112233",
                     "beneficiary":{"reference":"Patient/pat-a1","display":"Jane Doe"},
                     "payor":[{"reference":"Organization/bcbs","display":"Blue Cross"}]},
                   "request":{"method":"POST","url":"Coverage"}}
                 ]}
                """.formatted(patientJson());
    }

    /** A masker with the test key and clock: {@code profile} plus the given rules. */
    public static PhiMasker masker(String profile, String... rules) {
        Map<String, Object> config = new HashMap<>();
        config.put("profile", profile);
        config.put("rules", String.join(",", rules));
        config.put("hash.key", KEY);
        return new PhiMasker(MaskPhiConfig.parse(config), CLOCK);
    }

    /** Masks a text value (HL7 v2 or FHIR JSON) with {@code masker}. */
    public static String mask(PhiMasker masker, String text) {
        return (String) masker.maskValue(null, text, null).value();
    }
}
