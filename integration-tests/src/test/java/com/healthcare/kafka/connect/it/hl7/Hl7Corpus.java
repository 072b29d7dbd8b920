package com.healthcare.kafka.connect.it.hl7;

import java.util.ArrayList;
import java.util.List;

/**
 * Test messages of every type the connector is promised to carry, in each HL7 version (2.3 to 2.8) that defines
 * the type, with escape sequences, repetitions and a Z-segment. All names and identifiers are invented.
 */
final class Hl7Corpus {

    static final List<String> ALL_VERSIONS = List.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8");

    /** A message type with its trigger event and structure, and the versions that define it. */
    record Type(String type, String event, String structure, List<String> versions) {
    }

    static final List<Type> TYPES = List.of(
            new Type("ADT", "A01", "ADT_A01", ALL_VERSIONS),
            new Type("ORU", "R01", "ORU_R01", ALL_VERSIONS),
            new Type("ORM", "O01", "ORM_O01", List.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6")),
            new Type("OML", "O21", "OML_O21", List.of("2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8")),
            new Type("VXU", "V04", "VXU_V04", ALL_VERSIONS),
            new Type("SIU", "S12", "SIU_S12", ALL_VERSIONS),
            new Type("MDM", "T02", "MDM_T02", ALL_VERSIONS));

    /** One corpus entry. */
    record Sample(Type type, String version, String controlId, String patientId, String text) {
        @Override
        public String toString() {
            return type.type() + "^" + type.event() + " v" + version;
        }
    }

    private Hl7Corpus() {
    }

    static List<Sample> samples(String prefix) {
        List<Sample> samples = new ArrayList<>();
        int n = 0;
        for (Type type : TYPES) {
            for (String version : type.versions()) {
                n++;
                String controlId = prefix + n;
                String patientId = "MRN" + prefix + n;
                samples.add(new Sample(type, version, controlId, patientId, message(type, version, controlId,
                        patientId)));
            }
        }
        return samples;
    }

    static String msh(Type type, String version, String controlId) {
        String msh9 = type.type() + "^" + type.event() + (version.equals("2.3") ? "" : "^" + type.structure());
        return "MSH|^~\\&|HIS|GENHOSP|KAFKA|HC|20240315083000||" + msh9 + "|" + controlId + "|P|" + version + "\r";
    }

    /** PID with a repeated identifier, an escaped component separator in the name and a subcomponent escape. */
    static String pid(String patientId) {
        return "PID|1||" + patientId + "^^^GENHOSP^MR~99-88-77^^^SSA^SS||O'Brien^Mary\\S\\Ann^Q||19800229|F|||"
                + "12 Main St\\T\\Apt 3^^Springfield^IL^62701\r";
    }

    static String message(Type type, String version, String controlId, String patientId) {
        String body;
        switch (type.type()) {
            case "ADT":
                body = "EVN|A01|20240315083000\r" + pid(patientId) + "PV1|1|I|ICU^12^A\r";
                break;
            case "ORU":
                body = pid(patientId) + "OBR|1|ORD1|FIL1|GLU^Glucose^L\r"
                        + "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L|3.9-6.1|N|||F\r"
                        + "OBX|2|TX|COM^Comment^L||Reviewed \\F\\ signed~second line||||||F\r";
                break;
            case "ORM":
                body = pid(patientId) + "ORC|NW|ORD100\rOBR|1|ORD100||CBC^Complete blood count^L\r";
                break;
            case "OML":
                body = pid(patientId) + "ORC|NW|ORD200\rOBR|1|ORD200||LIPID^Lipid panel^L\r";
                break;
            case "VXU":
                body = pid(patientId) + "ORC|RE||IZ-1\rRXA|0|1|20240101|20240101|08^HepB^CVX|0.5|mL^^UCUM\r";
                break;
            case "SIU":
                body = "SCH|APT1|APT1|||||ROUTINE^Routine\r" + pid(patientId) + "RGS|1\rAIS|1||CONSULT^Consult\r";
                break;
            case "MDM":
                body = "EVN|T02|20240315083000\r" + pid(patientId) + "PV1|1|O\r"
                        + "TXA|1|DS|TX|20240315083000||||||||DOC1||||||AU\r"
                        + "OBX|1|TX|NOTE^Note^L||Discharge summary \\E\\ plan||||||F\r";
                break;
            default:
                throw new IllegalArgumentException(type.type());
        }
        return msh(type, version, controlId) + body + "ZPI|site-specific|\\S\\value\r";
    }
}
