package com.healthcare.kafka.connect.transforms.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The elements the {@code safe-harbor} and {@code pseudonymize} profiles mask, and how: one table that both
 * builds the profiles' rules and is rendered into docs/phi-masking.md (a test keeps the two equal).
 *
 * <p>Safe Harbor (45 CFR 164.514(b)(2)) applies to the individual and to relatives, employers and household
 * members: names; geographic units smaller than a state (ZIP kept to 3 digits, 000 for restricted areas); every
 * date element but the year, ages over 89; phone, fax, e-mail; SSN, medical record, health plan, account,
 * certificate/licence, vehicle and device numbers; URLs, IP addresses; biometrics and photos; any other unique
 * identifying number or code. Identifiers are removed, never hashed (164.514(c)).
 */
public final class PhiElements {

    /** Where an element lives. */
    public enum Format { HL7, FHIR, FIELD, KEY }

    /**
     * One row: the rules each profile adds (empty for rows the code implements as a sweep), and the text the
     * documentation shows for each profile.
     *
     * @param freeText only when {@code free.text=redact}
     */
    public record Element(Format format, String path, String description, List<String> safeHarbor,
                          String safeHarborText, List<String> pseudonymize, String pseudonymizeText,
                          boolean freeText) {
    }

    private static final List<Element> ELEMENTS = new ArrayList<>();

    private PhiElements() {
    }

    public static List<Element> all() {
        return List.copyOf(ELEMENTS);
    }

    // ---- helpers: one per kind of element ----

    private static void row(Format f, String path, String what, List<String> sh, String shText, List<String> ps,
                            String psText) {
        ELEMENTS.add(new Element(f, path, what, sh, shText, ps, psText, false));
    }

    private static List<String> rules(String path, String... parts) {
        List<String> rules = new ArrayList<>();
        for (String part : parts) {
            rules.add(part.startsWith(".") ? path + part : path + ":" + part);
        }
        return rules;
    }

    /** HL7 CX identifier: removed; pseudonymized as the HMAC of its ID (CX.1), authority/type/facility kept. */
    private static void cx(String path, String what) {
        row(Format.HL7, path, what, rules(path, "redact"), "redact",
                rules(path, "redact", ".1:hash", ".4:keep", ".5:keep", ".6:keep"),
                "hash of .1 (ID); .4-.6 kept; rest removed");
    }

    /** HL7 identifier of another type (EI, EIP, ST): removed, or pseudonymized as a whole. */
    private static void id(String path, String what) {
        row(Format.HL7, path, what, rules(path, "redact"), "redact", rules(path, "hash"), "hash");
    }

    private static void remove(String path, String what) {
        row(Format.HL7, path, what, rules(path, "redact"), "redact", rules(path, "redact"), "redact");
    }

    private static void address(String path, String what) {
        List<String> r = rules(path, "redact", ".4:keep", ".5:zip3", ".6:keep", ".7:keep");
        String text = "redact; state (.4), country (.6), type (.7) kept; ZIP (.5) zip3";
        row(Format.HL7, path, what, r, text, r, text);
    }

    private static void date(String path, String what) {
        row(Format.HL7, path, what, rules(path, "year"), "year", rules(path, "dateshift"), "dateshift");
    }

    private static void birth(String path, String what) {
        row(Format.HL7, path, what, rules(path, "age90"), "age90 (year; dropped if it implies over 89)",
                rules(path, "dateshift"), "dateshift");
    }

    private static void sweep(Format f, String path, String what, String shText, String psText) {
        row(f, path, what, List.of(), shText, List.of(), psText);
    }

    private static void freeText(Format f, String path, String what) {
        String rule = path.contains("(") ? path.substring(0, path.indexOf(' ')) : path;
        List<String> r = f == Format.HL7 && path.startsWith("OBX") ? List.of() : List.of(rule + ":redact");
        ELEMENTS.add(new Element(f, path, what, r, "redact (free.text=redact)", r, "redact (free.text=redact)",
                true));
    }

    private static void fhirId(String path, String what) {
        row(Format.FHIR, path, what, rules(path, "redact"), "redact",
                rules(path, "redact", ".value:hash", ".system:keep", ".use:keep", ".type:keep", ".assigner:keep"),
                "hash of value; system, use, type, assigner kept; rest removed");
    }

    private static void fhirRemove(String path, String what) {
        row(Format.FHIR, path, what, rules(path, "redact"), "redact", rules(path, "redact"), "redact");
    }

    private static void fhirAddress(String path, String what) {
        List<String> r = rules(path, "redact", ".state:keep", ".postalCode:zip3", ".country:keep", ".use:keep",
                ".type:keep");
        String text = "redact; state, country, use, type kept; postalCode zip3";
        row(Format.FHIR, path, what, r, text, r, text);
    }

    private static void fhirBirth(String path, String what) {
        row(Format.FHIR, path, what, rules(path, "age90"), "age90 (year; dropped if it implies over 89)",
                rules(path, "dateshift"), "dateshift");
    }

    private static void fhirDate(String path, String what) {
        row(Format.FHIR, path, what, rules(path, "year"), "year", rules(path, "dateshift"), "dateshift");
    }

    private static void fhirKeep(String path, String what) {
        row(Format.FHIR, path, what, rules(path, "keep"), "keep", rules(path, "keep"), "keep");
    }

    /** Struct/Map field names (any depth, matched without case, _ or -). */
    private static void fields(String sh, String ps, String what, String... names) {
        List<String> shRules = new ArrayList<>();
        List<String> psRules = new ArrayList<>();
        for (String name : names) {
            shRules.add(name + ":" + sh);
            psRules.add(name + ":" + ps);
        }
        row(Format.FIELD, String.join(", ", names), what, shRules, sh, psRules, ps);
    }

    static {
        // ---------------- HL7 v2 ----------------
        date("MSH-7", "Date/time of message (the event's time)");
        date("EVN-2", "Recorded date/time");
        date("EVN-3", "Date/time planned event");
        date("EVN-6", "Event occurred");
        cx("PID-2", "Patient ID (external)");
        cx("PID-3", "Patient identifier list (MRN)");
        cx("PID-4", "Alternate patient ID");
        remove("PID-5", "Patient name");
        remove("PID-6", "Mother's maiden name");
        birth("PID-7", "Date/time of birth");
        remove("PID-9", "Patient alias");
        address("PID-11", "Patient address");
        remove("PID-12", "County code");
        remove("PID-13", "Phone number - home (and e-mail)");
        remove("PID-14", "Phone number - business");
        cx("PID-18", "Patient account number");
        id("PID-19", "SSN");
        row(Format.HL7, "PID-20", "Driver's licence number", rules("PID-20", "redact"), "redact",
                rules("PID-20", "redact", ".1:hash"), "hash of .1 (number); rest removed");
        cx("PID-21", "Mother's identifier");
        remove("PID-23", "Birth place");
        date("PID-29", "Patient death date and time");
        date("PID-33", "Last update date/time");
        remove("PID-40", "Patient telecommunication information");
        cx("PD1-10", "Duplicate patient");
        date("PD1-13", "Protection indicator effective date");
        date("PD1-17", "Immunization registry status effective date");
        date("PD1-18", "Publicity code effective date");
        remove("NK1-2", "Next of kin name");
        address("NK1-4", "Next of kin address");
        remove("NK1-5", "Next of kin phone");
        remove("NK1-6", "Next of kin business phone");
        date("NK1-8", "Start date");
        date("NK1-9", "End date");
        cx("NK1-12", "Next of kin employee number");
        remove("NK1-13", "Organization name (employer)");
        birth("NK1-16", "Next of kin date of birth");
        remove("NK1-26", "Next of kin mother's maiden name");
        remove("NK1-30", "Contact person's name");
        remove("NK1-31", "Contact person's telephone");
        address("NK1-32", "Contact person's address");
        cx("NK1-33", "Next of kin identifiers");
        id("NK1-37", "Contact person SSN");
        remove("NK1-38", "Next of kin birth place");
        remove("NK1-40", "Next of kin telecommunication");
        remove("NK1-41", "Contact person's telecommunication");
        remove("CTD-2", "Contact name");
        address("CTD-3", "Contact address");
        remove("CTD-4", "Contact location");
        remove("CTD-5", "Contact communication information (phone, e-mail)");
        id("CTD-7", "Contact identifiers");
        cx("PV1-5", "Preadmit number");
        cx("PV1-19", "Visit number");
        date("PV1-25", "Contract effective date");
        date("PV1-30", "Transfer to bad debt date");
        date("PV1-35", "Delete account date");
        date("PV1-44", "Admit date/time");
        date("PV1-45", "Discharge date/time");
        cx("PV1-50", "Alternate visit ID");
        cx("PV1-54", "Service episode identifier");
        remove("PV2-5", "Patient valuables (free text)");
        remove("PV2-6", "Patient valuables location");
        date("PV2-8", "Expected admit date/time");
        date("PV2-9", "Expected discharge date/time");
        remove("PV2-12", "Visit description (free text)");
        date("PV2-14", "Previous service date");
        date("PV2-26", "Previous treatment date");
        date("PV2-28", "Signature on file date");
        date("PV2-29", "First similar illness date");
        date("PV2-33", "Expected surgery date/time");
        date("PV2-47", "Expected LOA return date/time");
        date("PV2-48", "Expected pre-admission testing date/time");
        cx("GT1-2", "Guarantor number");
        remove("GT1-3", "Guarantor name");
        remove("GT1-4", "Guarantor spouse name");
        address("GT1-5", "Guarantor address");
        remove("GT1-6", "Guarantor phone - home");
        remove("GT1-7", "Guarantor phone - business");
        birth("GT1-8", "Guarantor date of birth");
        id("GT1-12", "Guarantor SSN");
        date("GT1-13", "Guarantor date - begin");
        date("GT1-14", "Guarantor date - end");
        remove("GT1-16", "Guarantor employer name");
        address("GT1-17", "Guarantor employer address");
        remove("GT1-18", "Guarantor employer phone");
        cx("GT1-19", "Guarantor employee ID number");
        remove("GT1-21", "Guarantor organization name");
        date("GT1-24", "Guarantor death date");
        cx("GT1-29", "Guarantor employer ID number");
        date("GT1-31", "Guarantor hire effective date");
        date("GT1-32", "Employment stop date");
        remove("GT1-42", "Guarantor mother's maiden name");
        remove("GT1-45", "Guarantor contact person's name");
        remove("GT1-46", "Guarantor contact person's telephone");
        remove("GT1-51", "Guarantor employer's organization name");
        remove("GT1-56", "Guarantor birth place");
        id("IN1-8", "Group number (employer group)");
        remove("IN1-9", "Group name (employer)");
        cx("IN1-10", "Insured's group employer ID");
        remove("IN1-11", "Insured's group employer name");
        date("IN1-12", "Plan effective date");
        date("IN1-13", "Plan expiration date");
        remove("IN1-14", "Authorization information (number, date)");
        remove("IN1-16", "Name of insured");
        birth("IN1-18", "Insured's date of birth");
        address("IN1-19", "Insured's address");
        date("IN1-24", "Notice of admission date");
        date("IN1-26", "Report of eligibility date");
        date("IN1-29", "Verification date/time");
        id("IN1-36", "Policy number");
        address("IN1-44", "Insured's employer's address");
        cx("IN1-49", "Insured's ID number");
        date("IN1-51", "Signature code date");
        remove("IN1-52", "Insured's birth place");
        cx("IN2-1", "Insured's employee ID");
        id("IN2-2", "Insured's SSN");
        remove("IN2-3", "Insured's employer's name and ID");
        id("IN2-6", "Medicare health insurance card number");
        remove("IN2-7", "Medicaid case name");
        id("IN2-8", "Medicaid case number");
        remove("IN2-9", "Military sponsor name");
        id("IN2-10", "Military ID number");
        date("IN2-17", "Military retire date");
        cx("IN2-26", "Payor subscriber ID");
        remove("IN2-40", "Mother's maiden name");
        date("IN2-44", "Insured's employment start date");
        date("IN2-45", "Employment stop date");
        remove("IN2-49", "Employer contact person name");
        remove("IN2-50", "Employer contact person phone");
        remove("IN2-52", "Insured's contact person's name");
        remove("IN2-53", "Insured's contact person phone");
        date("IN2-55", "Relationship to the patient start date");
        date("IN2-56", "Relationship to the patient stop date");
        cx("IN2-61", "Patient member number");
        remove("IN2-63", "Insured's phone - home");
        remove("IN2-64", "Insured's employer phone");
        remove("IN2-69", "Insured organization name and ID");
        remove("IN2-70", "Insured employer organization name and ID");
        cx("IN3-2", "Certification number");
        date("IN3-6", "Certification date/time");
        date("IN3-7", "Certification modify date/time");
        date("IN3-9", "Certification begin date");
        date("IN3-10", "Certification end date");
        date("IN3-13", "Non-concur effective date/time");
        date("IN3-22", "Second opinion date");
        cx("MRG-1", "Prior patient identifier list");
        cx("MRG-2", "Prior alternate patient ID");
        cx("MRG-3", "Prior patient account number");
        cx("MRG-4", "Prior patient ID");
        cx("MRG-5", "Prior visit number");
        cx("MRG-6", "Prior alternate visit ID");
        remove("MRG-7", "Prior patient name");
        id("ORC-2", "Placer order number");
        id("ORC-3", "Filler order number");
        id("ORC-4", "Placer group number");
        date("ORC-7.4", "Quantity/timing start (v2.3-2.5)");
        date("ORC-7.5", "Quantity/timing end (v2.3-2.5)");
        date("ORC-9", "Date/time of transaction");
        date("ORC-15", "Order effective date/time");
        date("ORC-27", "Filler's expected availability date/time");
        date("ORC-32", "Advanced beneficiary notice date");
        cx("ORC-33", "Alternate placer order number");
        id("OBR-2", "Placer order number");
        id("OBR-3", "Filler order number (accession)");
        date("OBR-6", "Requested date/time (to v2.7)");
        date("OBR-7", "Observation date/time");
        date("OBR-8", "Observation end date/time");
        date("OBR-14", "Specimen received date/time (to v2.6)");
        remove("OBR-18", "Placer field 1");
        remove("OBR-19", "Placer field 2");
        remove("OBR-20", "Filler field 1");
        remove("OBR-21", "Filler field 2");
        date("OBR-22", "Results report/status change date/time");
        date("OBR-27.4", "Quantity/timing start (v2.3-2.5)");
        date("OBR-27.5", "Quantity/timing end (v2.3-2.5)");
        date("OBR-36", "Scheduled date/time");
        cx("OBR-53", "Alternate placer order number");
        sweep(Format.HL7, "OBX-5 (OBX-2 = ED)", "Encapsulated data (documents, images)", "redact", "redact");
        freeText(Format.HL7, "OBX-5 (OBX-2 in free.text.value.types)", "Free-text result (TX, FT)");
        sweep(Format.HL7, "OBX-5 (OBX-3.1 = 30525-0, 21612-7, 29553-5)", "Age observations", "age90 (over 89: 90+)",
                "age90 (over 89: 90+)");
        date("OBX-14", "Date/time of the observation");
        date("OBX-19", "Date/time of the analysis");
        id("OBX-21", "Observation instance identifier");
        freeText(Format.HL7, "NTE-3", "Comment (free text)");
        date("NTE-6", "Entered date/time");
        date("NTE-7", "Effective start date");
        date("NTE-8", "Expiration date");
        date("AL1-6", "Identification date");
        date("DG1-5", "Diagnosis date/time");
        date("DG1-19", "Attestation date/time");
        id("DG1-20", "Diagnosis identifier");
        date("PR1-5", "Procedure date/time");
        id("PR1-19", "Procedure identifier");
        id("SPM-2", "Specimen ID");
        id("SPM-3", "Specimen parent IDs");
        date("SPM-17", "Specimen collection date/time");
        date("SPM-18", "Specimen received date/time");
        cx("SPM-30", "Accession ID");
        cx("SPM-31", "Other specimen ID");
        date("RXA-3", "Date/time start of administration");
        date("RXA-4", "Date/time end of administration");
        date("RXA-22", "System entry date/time");
        date("TQ1-7", "Start date/time");
        date("TQ1-8", "End date/time");
        date("TXA-4", "Activity date/time");
        date("TXA-6", "Origination date/time");
        date("TXA-7", "Transcription date/time");
        date("TXA-8", "Edit date/time");
        id("TXA-12", "Unique document number");
        id("TXA-13", "Parent document number");
        id("TXA-14", "Placer order number");
        id("TXA-15", "Filler order number");
        remove("TXA-16", "Unique document file name");
        date("TXA-26", "Agreed due date/time");
        date("ACC-1", "Accident date/time");
        remove("ACC-3", "Accident location");
        remove("ACC-8", "Accident description");
        remove("ACC-9", "Brought in by");
        address("ACC-11", "Accident address");
        id("ACC-13", "Accident identifier");
        date("PDA-4", "Death certificate signed date/time");
        date("PDA-7", "Autopsy start and end date/time");
        cx("DB1-3", "Disabled person identifier");
        date("DB1-5", "Disability start date");
        date("DB1-6", "Disability end date");
        date("DB1-7", "Disability return to work date");
        date("DB1-8", "Disability unable to work date");
        id("SCH-1", "Placer appointment ID");
        id("SCH-2", "Filler appointment ID");
        id("SCH-26", "Placer order number");
        id("SCH-27", "Filler order number");
        date("AIS-4", "Start date/time");
        date("AIG-8", "Start date/time");
        date("AIL-6", "Start date/time");
        date("AIP-6", "Start date/time");

        // ---------------- FHIR R4 ----------------
        fhirId("Resource.identifier", "Identifiers of every resource (MRN, visit, account, policy, order ...)");
        for (String type : Arrays.asList("Organization", "Practitioner", "PractitionerRole", "Location",
                "HealthcareService", "Endpoint", "Medication")) {
            fhirKeep(type + ".identifier", "Identifiers of " + type + " (not a patient's)");
        }
        fhirRemove("Resource.text.div", "Narrative (the whole text element goes, div being mandatory)");
        fhirRemove("Patient.name", "Names");
        fhirRemove("Patient.telecom", "Phones, e-mail");
        fhirAddress("Patient.address", "Address (lines, city, district, text, period removed)");
        fhirBirth("Patient.birthDate", "Birth date");
        fhirDate("Patient.deceased", "Deceased date/time (deceasedBoolean kept)");
        fhirRemove("Patient.photo", "Photo");
        fhirRemove("Patient.contact.name", "Contact (relative, employer) names");
        fhirRemove("Patient.contact.telecom", "Contact phones, e-mail");
        fhirAddress("Patient.contact.address", "Contact address");
        fhirRemove("Patient.contact.organization", "Contact organization (employer)");
        fhirRemove("Patient.link.other.display", "Linked patient's name");
        fhirRemove("RelatedPerson.name", "Names");
        fhirRemove("RelatedPerson.telecom", "Phones, e-mail");
        fhirAddress("RelatedPerson.address", "Address");
        fhirBirth("RelatedPerson.birthDate", "Birth date");
        fhirRemove("RelatedPerson.photo", "Photo");
        fhirRemove("Person.name", "Names");
        fhirRemove("Person.telecom", "Phones, e-mail");
        fhirAddress("Person.address", "Address");
        fhirBirth("Person.birthDate", "Birth date");
        fhirRemove("Person.photo", "Photo");
        fhirRemove("FamilyMemberHistory.name", "Relative's name");
        fhirBirth("FamilyMemberHistory.born", "Relative's birth date");
        row(Format.FHIR, "Coverage.subscriberId", "Subscriber (member) ID", rules("Coverage.subscriberId",
                "redact"), "redact", rules("Coverage.subscriberId", "hash"), "hash");
        fhirRemove("Account.name", "Account name (often the patient's)");
        fhirRemove("Bundle.link", "Search links (their queries can hold identifiers or names)");
        freeText(Format.FHIR, "Resource.note.text", "Annotations (free text)");
        freeText(Format.FHIR, "Resource.note.authorString", "Annotation author's name");
        freeText(Format.FHIR, "DiagnosticReport.conclusion", "Report conclusion (free text)");
        sweep(Format.FHIR, "(any date, dateTime, instant)", "Every date finer than a year, in every resource",
                "year; instants (meta.lastUpdated, issued, Bundle.timestamp) removed", "dateshift");
        sweep(Format.FHIR, "(any Reference.display / .identifier)",
                "References to anything but Practitioner, Organization, Location and the like: display is a name",
                "display and identifier removed", "display removed; identifier value hashed");
        sweep(Format.FHIR, "(any Attachment)", "Documents and photos: data, url, title, hash",
                "redact", "redact");
        sweep(Format.FHIR, "(any Age, UCUM a)", "Ages over 89", "value 90, comparator >=", "value 90, comparator >=");
        sweep(Format.FHIR, "(extensions)", "mothersMaidenName, birthPlace, birthTime, adoptionInfo, name parts",
                "redact", "redact");
        sweep(Format.FHIR, "Bundle.entry.request", "Conditional requests (url query, ifNoneExist)",
                "query and ifNoneExist removed", "query and ifNoneExist removed");

        // ---------------- Struct and Map fields (any depth, Debezium before/after) ----------------
        fields("redact", "redact", "Names", "name", "first_name", "last_name", "middle_name", "given_name",
                "family_name", "full_name", "patient_name", "maiden_name", "mothers_maiden_name", "alias",
                "nickname");
        fields("redact", "redact", "Street address and places smaller than a state", "address", "address1",
                "address2", "address_line", "address_line1", "address_line2", "street", "street_address", "line1",
                "line2", "city", "county", "district", "birth_place");
        fields("keep", "keep", "State and country (kept, also inside a removed address)", "state", "state_code",
                "country", "country_code");
        fields("zip3", "zip3", "ZIP codes", "zip", "zip_code", "zipcode", "postal_code", "postcode");
        fields("redact", "redact", "Phones, fax, e-mail, URLs, IP addresses", "phone", "phone_number",
                "home_phone", "work_phone", "mobile", "mobile_phone", "cell_phone", "telephone", "fax", "email",
                "email_address", "url", "website", "ip_address");
        fields("redact", "hash", "SSN and other identifiers", "ssn", "social_security_number", "mrn",
                "medical_record_number", "patient_id", "account_number", "policy_number",
                "member_id", "subscriber_id", "insurance_id", "beneficiary_id", "health_plan_id", "license_number",
                "drivers_license", "drivers_license_number", "certificate_number", "vin", "license_plate",
                "device_serial", "serial_number", "passport_number", "national_id", "visit_number",
                "encounter_number");
        fields("age90", "dateshift", "Birth dates", "birth_date", "birthdate", "date_of_birth", "dob",
                "birth_time");
        fields("year", "dateshift", "Dates of death, admission, discharge, service", "death_date", "date_of_death",
                "deceased_date", "admit_date", "admission_date", "admit_time", "admission_time", "discharge_date",
                "discharge_time", "service_date", "visit_date", "encounter_date", "message_time", "received_at");
        fields("age90", "age90", "Ages", "age", "patient_age", "age_years");
        fields("redact", "redact", "Photos and biometrics", "photo", "picture", "image", "fingerprint",
                "biometric");

        sweep(Format.FIELD, "(any date column)", "Every Date/Timestamp (Connect or Debezium types) and ISO date"
                + " text no rule names", "year (a date column keeps its type: 1 January)", "dateshift");

        // ---------------- keys ----------------
        sweep(Format.KEY, "(record key)", "MaskPhi$Key", "the whole key null", "primitive: hash; Struct/Map:"
                + " the rules and field names above, every other leaf hashed");
    }
}
