package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonNumber;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Time;

/** OBX-5 by value type to the Observation's value[x] or components (IG OBX[Observation], data type maps). */
final class ObservationValues {

    private static final Pattern COMPARED = Pattern.compile("\\s*(<=|>=|<|>)\\s*(-?\\d*\\.?\\d+)\\s*");

    private ObservationValues() {
    }

    /** OBX-5 by value type (IG OBX[Observation] and OBX[Observation-Component]). */
    static void value(BundleContext ctx, JsonObject r, V2Segment obx, String type) {
        List<V2Composite> reps = obx.repetitions(5);
        if (reps.isEmpty()) {
            return;
        }
        if (type.equals("ST") || type.equals("TX") || type.equals("FT") || type.isEmpty()) {
            StringBuilder b = new StringBuilder();
            for (V2Composite rep : reps) {
                String s = rep.wholeText();
                if (s != null) {
                    if (b.length() > 0) {
                        b.append('\n');
                    }
                    b.append(s);
                }
            }
            r.put("valueString", b.toString());
            return;
        }
        if (reps.size() == 1) {
            setValue(ctx, r, reps.get(0), obx, type);
            return;
        }
        // Several values of one observation: one component each, all with the observation's code.
        for (V2Composite rep : reps) {
            JsonObject component = new JsonObject().put("code", r.get("code"));
            setValue(ctx, component, rep, obx, type);
            r.add("component", component);
        }
    }

    private static void setValue(BundleContext ctx, JsonObject target, V2Composite v, V2Segment obx, String type) {
        DataTypes t = ctx.types;
        String where = "OBX-5";
        switch (type) {
            case "NM": {
                String text = v.get(1);
                JsonNumber n = JsonNumber.parseDecimal(text);
                if (n != null) {
                    target.put("valueQuantity", Quantities.quantity(t, n, obx.first(6)));
                    return;
                }
                Matcher m = text == null ? null : COMPARED.matcher(text);
                if (m != null && m.matches()) {
                    JsonObject q = Quantities.quantity(t, JsonNumber.parseDecimal(m.group(2)), obx.first(6));
                    q.put("comparator", m.group(1));
                    target.put("valueQuantity", q);
                    return;
                }
                target.put("valueString", v.wholeText());
                return;
            }
            case "SN":
                structuredNumeric(ctx, target, v, obx);
                return;
            case "CE":
            case "CWE":
            case "CNE":
            case "CF":
                target.put("valueCodeableConcept", t.codeableConcept(v, null));
                return;
            case "IS":
            case "ID": {
                String code = DataTypes.code(v.get(1));
                target.put("valueCodeableConcept", new JsonObject()
                        .add("coding", new JsonObject().put("code", code)).put("text", v.get(1)));
                return;
            }
            case "DT":
            case "DTM":
            case "TS":
            case "TM":
                // The value is the result itself: when it is not a valid date or time it is kept as text.
                try {
                    if (type.equals("TM")) {
                        target.put("valueTime", V2Time.toTime(v.get(1)));
                    } else if (v.get(1) != null) {
                        target.put("valueDateTime", V2Time.parse(v.get(1)).toDateTime(ctx.settings.zone()));
                    }
                } catch (IllegalArgumentException e) {
                    t.warn(where, "not a valid HL7 " + (type.equals("TM") ? "time" : "timestamp") + ", kept as text");
                    target.put("valueString", v.wholeText());
                }
                return;
            case "NR": {
                JsonObject range = new JsonObject();
                range.put("low", simpleQuantity(JsonNumber.parseDecimal(v.get(1)),
                        Quantities.quantity(t, null, obx.first(6))));
                range.put("high", simpleQuantity(JsonNumber.parseDecimal(v.get(2)),
                        Quantities.quantity(t, null, obx.first(6))));
                target.put("valueRange", range);
                return;
            }
            case "DR":
                target.put("valuePeriod", t.period(v.component(1).get(1), v.component(2).get(1), where));
                return;
            case "MO":
            case "CP": {
                JsonNumber amount = JsonNumber.parseDecimal(v.component(1).get(1));
                String currency = type.equals("MO") ? v.get(2) : v.component(1).get(2);
                if (amount != null) {
                    JsonObject q = new JsonObject().put("value", amount);
                    if (currency != null && currency.length() == 3) {
                        q.put("unit", currency).put("system", "urn:iso:std:iso:4217")
                                .put("code", currency.toUpperCase(Locale.ROOT));
                    }
                    target.put("valueQuantity", q);
                    return;
                }
                target.put("valueString", v.wholeText());
                return;
            }
            default:
                target.put("valueString", readable(v));
        }
    }

    /** A composite value (XPN, XAD, CX...) as readable text: its components joined by spaces. */
    private static String readable(V2Composite v) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= v.size(); i++) {
            String p = v.get(i);
            if (p != null) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(p);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** SN: comparator^num1^separator^num2 (IG SN[Quantity], SN[Range], SN[Ratio]). */
    private static void structuredNumeric(BundleContext ctx, JsonObject target, V2Composite v, V2Segment obx) {
        DataTypes t = ctx.types;
        String comparator = v.get(1);
        JsonNumber n1 = JsonNumber.parseDecimal(v.get(2));
        String sep = v.get(3);
        JsonNumber n2 = JsonNumber.parseDecimal(v.get(4));
        if ("<>".equals(comparator) || (n1 == null && n2 == null) || (v.get(2) != null && n1 == null)
                || (v.get(4) != null && n2 == null)) {
            target.put("valueString", readable(v));
            return;
        }
        if (sep == null || n2 == null) {
            if ("+".equals(sep)) {
                target.put("valueString", readable(v));
                return;
            }
            JsonObject q = Quantities.quantity(t, n1, obx.first(6));
            if (comparator != null && !comparator.equals("=")) {
                if (!Set.of("<", "<=", ">", ">=").contains(comparator)) {
                    target.put("valueString", readable(v));
                    return;
                }
                q.put("comparator", comparator);
            }
            target.put("valueQuantity", q);
            return;
        }
        if (sep.equals("-")) {
            JsonObject unit = Quantities.quantity(t, null, obx.first(6));
            target.put("valueRange", new JsonObject().put("low", simpleQuantity(n1, unit))
                    .put("high", simpleQuantity(n2, unit)));
        } else if (sep.equals(":") || sep.equals("/")) {
            JsonObject numerator = new JsonObject().put("value", n1);
            if (comparator != null && Set.of("<", "<=", ">", ">=").contains(comparator)) {
                numerator.put("comparator", comparator);
            }
            target.put("valueRatio", new JsonObject().put("numerator", numerator)
                    .put("denominator", new JsonObject().put("value", n2)));
        } else {
            target.put("valueString", readable(v));
        }
    }

    /** A SimpleQuantity with the unit of {@code unitFrom} (no comparator). */
    static JsonObject simpleQuantity(JsonNumber value, JsonObject unitFrom) {
        if (value == null) {
            return null;
        }
        JsonObject q = new JsonObject().put("value", value);
        if (unitFrom != null) {
            q.put("unit", unitFrom.get("unit")).put("system", unitFrom.get("system")).put("code", unitFrom.get("code"));
        }
        return q;
    }
}
