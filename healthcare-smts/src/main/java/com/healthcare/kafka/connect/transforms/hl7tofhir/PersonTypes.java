package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;

/**
 * The v2 data types of people and places: XPN and XCN names to HumanName, XAD to Address, XTN to ContactPoint (IG
 * data type maps), with the codes and periods of the message's {@link DataTypes}.
 */
final class PersonTypes {

    private PersonTypes() {
    }

    /** XPN to HumanName (IG XPN[HumanName]). */
    static JsonObject humanName(DataTypes t, V2Composite xpn) {
        if (xpn == null || xpn.isEmpty()) {
            return null;
        }
        JsonObject n = new JsonObject();
        String use = t.mappedCode(xpn.get(7), "name-use");
        n.put("use", use);
        n.put("family", xpn.get(1));
        JsonArray given = new JsonArray();
        given.add(xpn.get(2));
        given.add(xpn.get(3));
        n.put("given", given);
        n.add("prefix", xpn.get(5));
        n.add("suffix", xpn.get(4));
        n.add("suffix", xpn.get(6));
        n.add("suffix", xpn.get(14));
        JsonObject p = xpn.get(12) != null || xpn.get(13) != null
                ? t.period(xpn.get(12), xpn.get(13), "XPN.12/XPN.13")
                : t.period(xpn.component(10), "XPN.10");
        n.put("period", p);
        return n.has("family") || n.has("given") || n.has("prefix") || n.has("suffix") ? n : null;
    }

    /** The name parts of an XCN (components 2-6, use 10) as a HumanName. */
    static JsonObject humanNameFromXcn(DataTypes t, V2Composite xcn) {
        JsonObject n = new JsonObject();
        n.put("use", t.mappedCode(xcn.get(10), "name-use"));
        n.put("family", xcn.get(2));
        JsonArray given = new JsonArray();
        given.add(xcn.get(3));
        given.add(xcn.get(4));
        n.put("given", given);
        n.add("prefix", xcn.get(6));
        n.add("suffix", xcn.get(5));
        n.add("suffix", xcn.get(21));
        return n.has("family") || n.has("given") ? n : null;
    }

    /** "Given Family" for Reference.display. */
    static String displayName(JsonObject name) {
        if (name == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        Object prefix = name.get("prefix");
        if (prefix instanceof JsonArray && ((JsonArray) prefix).size() > 0) {
            b.append(((JsonArray) prefix).get(0)).append(' ');
        }
        Object given = name.get("given");
        if (given instanceof JsonArray) {
            JsonArray g = (JsonArray) given;
            for (int i = 0; i < g.size(); i++) {
                b.append(g.get(i)).append(' ');
            }
        }
        if (name.getString("family") != null) {
            b.append(name.getString("family"));
        }
        String s = b.toString().strip();
        return s.isEmpty() ? null : s;
    }

    /** XAD to Address (IG XAD[Address]). */
    static JsonObject address(DataTypes t, V2Composite xad) {
        if (xad == null || xad.isEmpty()) {
            return null;
        }
        JsonObject a = new JsonObject();
        String type = xad.get(7);
        a.put("use", t.mappedCode(type, "address-use"));
        a.put("type", t.mappedCode(type, "address-type"));
        JsonArray line = new JsonArray();
        line.add(xad.get(1));
        line.add(xad.get(2));
        line.add(xad.get(19));
        a.put("line", line);
        a.put("city", xad.get(3));
        a.put("district", xad.get(9));
        a.put("state", xad.get(4));
        a.put("postalCode", xad.get(5));
        a.put("country", xad.get(6));
        JsonObject p = xad.get(13) != null || xad.get(14) != null
                ? t.period(xad.get(13), xad.get(14), "XAD.13/XAD.14")
                : t.period(xad.component(12), "XAD.12");
        a.put("period", p);
        return a.has("line") || a.has("city") || a.has("state") || a.has("postalCode") || a.has("country")
                || a.has("district") ? a : null;
    }

    /**
     * XTN to ContactPoint (IG XTN[ContactPoint]): e-mail from XTN.4, phone from XTN.12 (v2.6+), the formatted
     * XTN.1, or country/area/local/extension parts.
     */
    static JsonObject contactPoint(DataTypes t, V2Composite xtn, String defaultUse) {
        if (xtn == null || xtn.isEmpty()) {
            return null;
        }
        String equipment = xtn.get(3);
        String useCode = xtn.get(2);
        String system = t.mappedCode(equipment, "telecom-equipment");
        String email = xtn.get(4);
        String value;
        boolean isEmail = "email".equals(system) || (system == null && email != null && xtn.get(1) == null
                && xtn.get(7) == null && xtn.get(12) == null);
        if (isEmail) {
            system = "email";
            value = email != null ? email : xtn.get(1);
        } else {
            value = xtn.get(12);
            if (value == null) {
                value = xtn.get(1);
            }
            if (value == null && xtn.get(7) != null) {
                StringBuilder b = new StringBuilder();
                if (xtn.get(5) != null) {
                    b.append('+').append(xtn.get(5)).append(' ');
                }
                if (xtn.get(6) != null) {
                    b.append(xtn.get(6)).append(' ');
                }
                b.append(xtn.get(7));
                if (xtn.get(8) != null) {
                    b.append(" X").append(xtn.get(8));
                }
                value = b.toString();
            }
            if (system == null) {
                system = "phone";
            }
        }
        if (value == null) {
            return null;
        }
        JsonObject cp = new JsonObject().put("system", system).put("value", value);
        String use = t.mappedCode(useCode, "telecom-use");
        if ("CP".equalsIgnoreCase(equipment)) {
            use = "mobile";
        }
        if (use == null && useCode == null) {
            use = defaultUse;
        }
        cp.put("use", use);
        Integer rank = DataTypes.positiveInt(xtn.get(18));
        cp.put("rank", rank);
        cp.put("period", t.period(xtn.get(13), xtn.get(14), "XTN.13/XTN.14"));
        return cp;
    }
}
