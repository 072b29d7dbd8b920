package com.healthcare.kafka.connect.benchmarks.mask;

/** Realistic, made-up messages for the MaskPhi benchmarks. */
final class Samples {

    static final String ADT_A01 = String.join("\r",
            "MSH|^~\\&|EPIC|HOSP|LAB|HOSP|20240517120000||ADT^A01^ADT_A01|MSG0001|P|2.5|||AL|NE||UNICODE UTF-8",
            "EVN|A01|20240517120000|||JSMITH^SMITH^JOHN|20240517115500",
            "PID|1|EXT-77|MRN123456^^^HOSP^MR~ALT998877^^^OTHER^PI||DOE^JANE^QUINN^^MRS~DOE^J|SMITHERS^MARY"
                    + "|19800517|F|DOE^JANIE|2106-3^White^HL70005|123 MAIN ST^APT 4^SPRINGFIELD^IL^62704^USA^H^^SANGAMON"
                    + "|SANGAMON|(217)555-0123^PRN^PH^jane.doe@example.com|(217)555-0199^WPN^PH|ENG|M|CHR"
                    + "|ACCT7654321^^^HOSP^AN|123-45-6789|D1234567^IL^20300101|MOM-4411^^^HOSP^MR|N|Peoria|N|1"
                    + "||||20240520|N",
            "PD1|||GENERAL HOSPITAL^^1234|1234^WELBY^MARCUS^^^DR",
            "NK1|1|DOE^JOHN|SPO^Spouse|123 MAIN ST^^SPRINGFIELD^IL^62704|(217)555-0124||EC||||||WIDGETCO"
                    + "|||19700102",
            "PV1|1|I|4W^401^A^HOSP||||1234^WELBY^MARCUS^^^DR|5678^KILDARE^JAMES^^^DR||MED||||ADM|A0|||"
                    + "VN555666^^^HOSP^VN|SP|||||||||||||||||||HOSP||||||20240517113000|20240520100000",
            "PV2|||^Asthma exacerbation",
            "GT1|1|GUAR-5151|DOE^JOHN||123 MAIN ST^^SPRINGFIELD^IL^62704|(217)555-0124||19700102|M||SPO"
                    + "|987-65-4321||||ACME^CORP|||EMP-3321",
            "IN1|1|BC^Blue Cross|BC123|Blue Cross|PO BOX 1^^CHICAGO^IL^60601||(800)555-0100|GRP555|ACME CORP"
                    + "|||20240101|20241231|||DOE^JANE|SEL|19800517|123 MAIN ST^^SPRINGFIELD^IL^62704"
                    + "|||||||||||||||||POL998877||||||||||||SUB112233^^^BC^MB",
            "DG1|1||J45.901^Asthma with exacerbation^I10||20240517",
            "OBX|1|TX|11506-3^Progress note^LN||Patient Jane Doe seen for wheezing||||||F|||20240517130000",
            "OBX|2|NM|8867-4^Heart rate^LN||72|/min^^UCUM|60-100|N|||F|||20240517130000",
            "AL1|1|DA|70618^Penicillin^RXNORM|MO|Hives|20100101") + "\r";

    static final String BUNDLE = """
            {"resourceType":"Bundle","type":"transaction","timestamp":"2024-05-17T12:00:00Z","entry":[
             {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"pat-a1",
               "meta":{"lastUpdated":"2024-05-17T12:00:00Z"},
               "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Jane Doe</div>"},
               "identifier":[{"use":"usual","system":"urn:oid:1.2.3.4","value":"MRN123456"},
                             {"system":"http://hl7.org/fhir/sid/us-ssn","value":"123-45-6789"}],
               "name":[{"use":"official","family":"Doe","given":["Jane","Quinn"]}],
               "telecom":[{"system":"phone","value":"(217) 555-0123","use":"home"},
                          {"system":"email","value":"jane.doe@example.com"}],
               "gender":"female","birthDate":"1980-05-17",
               "address":[{"use":"home","line":["123 Main St","Apt 4"],"city":"Springfield","district":"Sangamon",
                           "state":"IL","postalCode":"62704","country":"US"}],
               "contact":[{"name":{"family":"Doe","given":["John"]},"telecom":[{"system":"phone","value":"555-0124"}]}]},
              "request":{"method":"PUT","url":"Patient?identifier=urn:oid:1.2.3.4|MRN123456"}},
             {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Encounter","id":"enc-1","status":"finished",
               "identifier":[{"system":"urn:visit","value":"VN555666"}],
               "subject":{"reference":"Patient/pat-a1","display":"Jane Doe"},
               "period":{"start":"2024-05-17T11:30:00Z","end":"2024-05-20T10:00:00Z"}},
              "request":{"method":"POST","url":"Encounter"}},
             {"fullUrl":"urn:uuid:3","resource":{"resourceType":"Observation","id":"obs-1","status":"final",
               "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
               "subject":{"reference":"Patient/pat-a1","display":"Jane Doe"},
               "effectiveDateTime":"2024-05-17T13:00:00+02:00",
               "valueQuantity":{"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}},
              "request":{"method":"POST","url":"Observation"}},
             {"fullUrl":"urn:uuid:4","resource":{"resourceType":"Coverage","id":"cov-1","status":"active",
               "identifier":[{"value":"POL998877"}],"subscriberId":"SUB112233",
               "beneficiary":{"reference":"Patient/pat-a1","display":"Jane Doe"},
               "payor":[{"reference":"Organization/bcbs","display":"Blue Cross"}]},
              "request":{"method":"POST","url":"Coverage"}}]}
            """;

    private Samples() {
    }
}
