package com.healthcare.kafka.connect.hl7.testutil;

/** Sample messages for tests. Names and ids are invented. */
public final class Messages {

    private Messages() {
    }

    public static String adtA01(String controlId, String version) {
        return "MSH|^~\\&|SENDAPP|SENDFAC|RECAPP|RECFAC|20240102030405||ADT^A01^ADT_A01|" + controlId + "|P|" + version
                + "\rEVN|A01|20240102030405\rPID|1||MRN123^^^HOSP^MR~SSN999^^^SSA^SS||Doe^John||19700101|M\r"
                + "PV1|1|I|W^389^1\r";
    }

    public static String oruR01(String controlId, String version) {
        return "MSH|^~\\&|LAB|LABFAC|EHR|HOSP|20240102030405||ORU^R01^ORU_R01|" + controlId + "|P|" + version
                + "\rPID|1||PAT7^^^LABAUTH^MR||Roe^Jane\rOBR|1||ORD1|GLU^Glucose\rOBX|1|NM|GLU^Glucose||5.4|mmol/L\r";
    }
}
