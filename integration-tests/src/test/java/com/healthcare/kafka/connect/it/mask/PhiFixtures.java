package com.healthcare.kafka.connect.it.mask;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Made-up patients whose messages and resources carry every kind of identifier Safe Harbor removes, and the list
 * of those identifiers a masked topic must not contain anywhere.
 */
final class PhiFixtures {

    /** One patient's identifiers; {@code n} makes them unique per message. */
    record Patient(int n) {
        String mrn() {
            return "MRN" + (700000 + n);
        }

        String account() {
            return "ACCT" + (880000 + n);
        }

        String ssn() {
            return "123-45-" + (6000 + n);
        }

        String family() {
            return "ZYGMUNDSEN" + (char) ('A' + n % 26);
        }

        String given() {
            return "OTTILIE" + (char) ('A' + n % 26);
        }

        String street() {
            return (100 + n) + " Quillfeather Lane";
        }

        String city() {
            return "Brambleton";
        }

        String phone() {
            return "(217)555-" + (7000 + n);
        }

        String email() {
            return "ottilie" + n + "@mailbox.example.org";
        }

        String policy() {
            return "POL" + (550000 + n);
        }

        String member() {
            return "MBR" + (330000 + n);
        }

        String visit() {
            return "VN" + (440000 + n);
        }

        String birth() {
            return "19800" + (n % 9 + 1) + "17";
        }

        String birthIso() {
            LocalDate d = LocalDate.of(1980, n % 9 + 1, 17);
            return d.toString();
        }

        String relative() {
            return "HROTHGARSSON";
        }

        /** Everything above that must not survive masking. */
        List<String> identifiers() {
            List<String> ids = new ArrayList<>(List.of(mrn(), account(), ssn(), family(), given(),
                    "Quillfeather", city(), city().toUpperCase(), phone(), phone().substring(5), email(), policy(),
                    member(), visit(), birth(), birthIso(), relative(), "62704", "Ottilie", "Zygmundsen"));
            return ids;
        }

        /** An ADT^A01 (v2.5) for this patient, CR-separated. */
        String adtA01(String controlId) {
            return String.join("\r",
                    "MSH|^~\\&|EPIC|HOSP|LAB|HOSP|20240517120000||ADT^A01^ADT_A01|" + controlId
                            + "|P|2.5|||AL|NE||UNICODE UTF-8",
                    "EVN|A01|20240517120000",
                    "PID|1||" + mrn() + "^^^HOSP^MR||" + family() + "^" + given() + "^Q||" + birth() + "|F|||"
                            + street() + "^^" + city().toUpperCase() + "^IL^62704^USA^H||" + phone()
                            + "^PRN^PH^" + email() + "|||M||" + account() + "^^^HOSP^AN|" + ssn(),
                    "NK1|1|" + relative() + "^ARNE|SPO^Spouse|" + street() + "^^" + city() + "^IL^62704|"
                            + phone(),
                    "PV1|1|I|4W^401^A||||1234^WELBY^MARCUS|||MED||||ADM|||||" + visit()
                            + "^^^HOSP^VN|||||||||||||||||||||||||20240517113000",
                    "IN1|1|BC^Blue Cross|BC123|Blue Cross||||||||||||" + family() + "^" + given() + "|SEL|"
                            + birth() + "|" + street() + "^^" + city() + "^IL^62704|||||||||||||||||" + policy()
                            + "|||||||||||||" + member() + "^^^BC^MB",
                    "OBX|1|TX|11506-3^Progress note^LN||Spoke with " + given() + " " + family() + "||||||F",
                    "NTE|1|L|Call back at " + phone()) + "\r";
        }

        /** A FHIR R4 Patient. */
        String patientJson() {
            return """
                    {"resourceType":"Patient","id":"pat-%d",
                     "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">%s %s</div>"},
                     "identifier":[{"system":"urn:oid:1.2.3.4","value":"%s"},
                                   {"system":"http://hl7.org/fhir/sid/us-ssn","value":"%s"}],
                     "name":[{"family":"%s","given":["%s"]}],
                     "telecom":[{"system":"phone","value":"%s"},{"system":"email","value":"%s"}],
                     "gender":"female","birthDate":"%s",
                     "address":[{"line":["%s"],"city":"%s","state":"IL","postalCode":"62704"}],
                     "contact":[{"name":{"family":"%s"},"telecom":[{"system":"phone","value":"%s"}]}]}
                    """.formatted(n, given(), family(), mrn(), ssn(), family(), given(), phone(), email(),
                    birthIso(), street(), city(), relative(), phone());
        }

        /** A transaction Bundle: the Patient, an Encounter and a Coverage. */
        String bundleJson() {
            return """
                    {"resourceType":"Bundle","type":"transaction","entry":[
                     {"fullUrl":"urn:uuid:p%d","resource":%s,
                      "request":{"method":"PUT","url":"Patient?identifier=urn:oid:1.2.3.4|%s"}},
                     {"fullUrl":"urn:uuid:e%d","resource":{"resourceType":"Encounter","id":"enc-%d","status":"finished",
                       "identifier":[{"value":"%s"}],"subject":{"reference":"Patient/pat-%d","display":"%s %s"},
                       "period":{"start":"2024-05-17T11:30:00Z"}},"request":{"method":"POST","url":"Encounter"}},
                     {"fullUrl":"urn:uuid:c%d","resource":{"resourceType":"Coverage","id":"cov-%d","status":"active",
                       "identifier":[{"value":"%s"}],"subscriberId":"%s",
                       "beneficiary":{"reference":"Patient/pat-%d","display":"%s %s"},
                       "payor":[{"reference":"Organization/bcbs","display":"Blue Cross"}]},
                      "request":{"method":"POST","url":"Coverage"}}]}
                    """.formatted(n, patientJson(), mrn(), n, n, visit(), n, given(), family(), n, n, policy(),
                    member(), n, given(), family());
        }
    }

    private PhiFixtures() {
    }
}
