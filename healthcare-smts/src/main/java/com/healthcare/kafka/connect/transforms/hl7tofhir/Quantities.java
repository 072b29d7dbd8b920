package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;

/**
 * Amounts with units (IG NM/CQ/CWE[Quantity]): UCUM system and code only for a valid UCUM unit (after the synonyms
 * table) or a unit coded in another known system, else the unit as text; and Dosage.doseAndRate from them.
 */
final class Quantities {

    private Quantities() {
    }

    /**
     * A Quantity from a number and a CWE/CE unit: system and code only for a valid UCUM unit (after the
     * synonyms table) or a unit coded in another known system; otherwise the unit is kept as text.
     */
    static JsonObject quantity(DataTypes t, JsonNumber value, V2Composite unit) {
        JsonObject q = new JsonObject().put("value", value);
        if (unit == null || unit.isEmpty()) {
            return value == null ? null : q;
        }
        String unitCode = unit.get(1);
        String unitText = unit.get(2);
        String systemName = unit.get(3);
        addUnit(t, q, unitCode, unitText, systemName);
        return q;
    }

    /**
     * Dosage.doseAndRate from a minimum and a maximum amount in {@code units}: a doseQuantity, or a doseRange when
     * the maximum differs; null without a minimum.
     */
    static JsonObject doseAndRate(DataTypes t, JsonNumber min, JsonNumber max, V2Composite units) {
        if (min == null) {
            return null;
        }
        JsonObject doseAndRate = new JsonObject();
        if (max == null || max.equals(min)) {
            doseAndRate.put("doseQuantity", quantity(t, min, units));
        } else {
            doseAndRate.put("doseRange", new JsonObject().put("low", quantity(t, min, units))
                    .put("high", quantity(t, max, units)));
        }
        return doseAndRate;
    }

    /** Adds unit/system/code for a unit code given as plain text (e.g. RXA-7 in v2.3 or CQ.2 component). */
    static void addUnit(DataTypes t, JsonObject q, String unitCode, String unitText, String systemName) {
        String display = unitText != null ? unitText : unitCode;
        if (unitCode != null) {
            boolean ucumCandidate = systemName == null || "DataTypes.UCUM".equalsIgnoreCase(systemName)
                    || "ISO+".equalsIgnoreCase(systemName) || "ANSI+".equalsIgnoreCase(systemName)
                    || "ANS+".equalsIgnoreCase(systemName);
            String u = ucumCandidate ? t.ucum().code(unitCode) : null;
            if (u != null) {
                q.put("unit", display).put("system", DataTypes.UCUM).put("code", u);
                return;
            }
            if (systemName != null && !ucumCandidate) {
                JsonObject c = t.coding(unitCode, null, systemName, null, null);
                q.put("unit", display).put("system", c.get("system")).put("code", c.get("code"));
                return;
            }
        }
        q.put("unit", display);
    }
}
