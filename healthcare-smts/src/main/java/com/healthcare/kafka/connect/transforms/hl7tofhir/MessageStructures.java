package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The message-structure table: which HL7 v2 message types (MSH-9.1) convert, which family of the V2-to-FHIR IG
 * each one acts as (the family decides which resources the message is the source of truth for, e.g. an OUL result
 * owns its DiagnosticReport as an ORU does), and why the others are routed to the error topic.
 *
 * <p>Conversion is segment-driven: a family needs no structure of its own beyond this table and the segment
 * mappers its segments use (PRB, FT1, RF1/PRD, RXD/RXG, ODS have theirs in {@link ProblemMapper},
 * {@link FinancialMapper}, {@link ReferralMapper}, {@link PharmacyEventMapper}, {@link DietMapper}).
 */
final class MessageStructures {

    /** Converted message type to the family it acts as. */
    private static final Map<String, String> FAMILY;

    /** Message types routed on purpose, with the reason given to the operator. */
    private static final Map<String, String> ROUTED;

    static {
        Map<String, String> f = new LinkedHashMap<>();
        // Families the converter was built around.
        for (String own : new String[] {"ADT", "ORU", "ORM", "OML", "VXU", "SIU", "MDM", "RDE"}) {
            f.put(own, own);
        }
        f.put("OUL", "ORU");   // R21-R24: specimen/container oriented results, same resources as ORU
        f.put("OMG", "OML");   // O19: general clinical order
        f.put("OMD", "OML");   // O03: diet order (ODS to NutritionOrder)
        f.put("OMB", "OML");   // O27: blood product order
        f.put("OMI", "OML");   // O23: imaging order
        f.put("OMS", "OML");   // O05: stock requisition order
        f.put("OMN", "OML");   // O07: non-stock requisition order
        f.put("ORL", "OML");   // O22/O34/O36 responses to OML: the orders they confirm
        f.put("ORG", "OML");   // O20 response to OMG
        f.put("ORR", "ORM");   // O02 response to ORM
        f.put("OMP", "RDE");   // O09 pharmacy order
        f.put("RDS", "RDE");   // O13 pharmacy dispense (RXD to MedicationDispense)
        f.put("RGV", "RDE");   // O15 pharmacy give (RXG to MedicationRequest instance-order)
        f.put("RAS", "RDE");   // O17 administration (RXA to MedicationAdministration, not Immunization)
        f.put("RRE", "RDE");   // O12 response to RDE
        f.put("BAR", "BAR");   // P01-P12 patient accounts: patient and visit data, never authoritative over ADT
        f.put("DFT", "BAR");   // P03/P11 financial transactions (FT1 to ChargeItem)
        f.put("PPR", "PPR");   // PC1-PC3 problems (PRB to Condition)
        f.put("REF", "REF");   // I12-I15 referrals (RF1 to ServiceRequest)
        f.put("RRI", "REF");   // I12-I15 referral responses
        FAMILY = Collections.unmodifiableMap(f);

        Map<String, String> r = new LinkedHashMap<>();
        r.put("ACK", "an acknowledgement carries no clinical record to convert");
        r.put("MCF", "an acknowledgement carries no clinical record to convert");
        r.put("QRY", "a query asks for records and carries none to convert");
        r.put("QBP", "a query asks for records and carries none to convert");
        r.put("VXQ", "a query asks for records and carries none to convert");
        r.put("RQI", "a query asks for records and carries none to convert");
        r.put("QCN", "a query control message carries no clinical record to convert");
        r.put("RSP", "query responses are not converted: their records are converted from the messages that "
                + "created them");
        r.put("MFN", "master files update reference tables, not patient records; they are not converted");
        ROUTED = Collections.unmodifiableMap(r);
    }

    private MessageStructures() {
    }

    /** The converted message types, sorted. */
    static Set<String> converted() {
        return Collections.unmodifiableSet(new TreeSet<>(FAMILY.keySet()));
    }

    /** The family a converted message type acts as; the type itself when unknown. */
    static String family(String messageCode) {
        return FAMILY.getOrDefault(messageCode, messageCode);
    }

    /** Null when {@code messageCode} converts, else why the message is routed instead. */
    static String refusal(String messageCode) {
        if (FAMILY.containsKey(messageCode)) {
            return null;
        }
        String reason = ROUTED.get(messageCode);
        if (reason != null) {
            return "message type " + messageCode + " is not converted: " + reason;
        }
        return "message type " + messageCode + " is not converted (supported: " + String.join(", ", converted())
                + ")";
    }

    /** Why a converted message that holds no patient (nor appointment) is routed. */
    static String withoutPatient(String messageCode, String event) {
        String type = messageCode + (event == null || event.isEmpty() ? "" : "^" + event);
        if (messageCode.startsWith("OR") || messageCode.equals("RRE") || messageCode.equals("RRI")) {
            return type + " response has no PID segment: an acknowledgement without clinical content is not "
                    + "converted";
        }
        return type + " message has no PID segment to convert";
    }

    /** True for the structures whose ORC comes after the OBR of its order (OUL^R21-R24), not before it. */
    static boolean orcFollowsObr(String messageCode) {
        return "OUL".equals(messageCode);
    }

    /** True when RXA is a medication administration (RAS), not an immunization (VXU and the default). */
    static boolean rxaIsMedicationAdministration(String messageCode) {
        return "RAS".equals(messageCode) || "RRA".equals(messageCode);
    }
}
