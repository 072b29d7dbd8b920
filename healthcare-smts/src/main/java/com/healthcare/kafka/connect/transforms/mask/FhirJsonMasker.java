package com.healthcare.kafka.connect.transforms.mask;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Masks FHIR R4 JSON in place: each resource (top level, every Bundle entry, contained and otherwise nested
 * resources) by the rules of its type, across all array members; then the profile's sweeps. Elements emptied by
 * masking are pruned (FHIR forbids empty objects and arrays) and a narrative that lost its div is removed, so the
 * output stays valid JSON and, as far as the masking goes, valid FHIR.
 */
public final class FhirJsonMasker {

    /** Keys that say what a value is rather than hold it: value methods on a whole element leave them alone. */
    private static final Set<String> STRUCTURAL = Set.of("resourceType", "system", "use", "type", "code", "url",
            "status", "unit", "comparator", "id", "contentType", "language");

    private final FhirRules rules;
    private final FhirSweeps sweeps;
    private final MaskFunctions fn;

    public FhirJsonMasker(FhirRules rules, FhirSweeps sweeps, MaskFunctions fn) {
        this.rules = rules;
        this.sweeps = sweeps;
        this.fn = fn;
    }

    public boolean isEmpty() {
        return rules.isEmpty() && !sweeps.any();
    }

    /** Whether a JSON tree is a FHIR resource. */
    public static boolean isResource(JsonNode node) {
        return node instanceof ObjectNode && node.path("resourceType").isTextual();
    }

    /** Masks the resource (or a JSON array of resources) in place. */
    public void mask(JsonNode root) {
        if (root instanceof ObjectNode object && isResource(object)) {
            maskResource(object, bundlePatient(object));
        } else if (root instanceof ArrayNode array) {
            for (JsonNode member : array) {
                mask(member);
            }
        }
    }

    private String bundlePatient(ObjectNode resource) {
        if (!"Bundle".equals(resource.path("resourceType").asText())) {
            return null;
        }
        for (JsonNode entry : resource.path("entry")) {
            JsonNode r = entry.path("resource");
            if ("Patient".equals(r.path("resourceType").asText())) {
                return ownPatientId(r);
            }
        }
        return null;
    }

    /** The id whose HMAC gives a Patient's date offset: its logical id, else its first identifier. */
    private static String ownPatientId(JsonNode patient) {
        String id = patient.path("id").asText("");
        if (!id.isEmpty()) {
            return id;
        }
        String value = patient.path("identifier").path(0).path("value").asText("");
        return value.isEmpty() ? null : value;
    }

    /** The patient a resource is about: itself, or the id in its subject/patient/beneficiary reference. */
    private static String patientOf(ObjectNode resource, String fallback) {
        String type = resource.path("resourceType").asText();
        if (type.equals("Patient")) {
            String own = ownPatientId(resource);
            return own != null ? own : fallback;
        }
        for (String element : new String[] {"subject", "patient", "beneficiary", "individual"}) {
            String reference = resource.path(element).path("reference").asText("");
            int at = reference.indexOf("Patient/");
            if (at >= 0) {
                String id = reference.substring(at + "Patient/".length());
                int slash = id.indexOf('/');
                return slash < 0 ? id : id.substring(0, slash);
            }
        }
        return fallback;
    }

    private void maskResource(ObjectNode resource, String contextPatient) {
        String type = resource.path("resourceType").asText();
        FhirRules.Node node = rules.forType(type);
        String patient = patientOf(resource, contextPatient);
        if (sweeps.bundleRequests() && type.equals("Bundle")) {
            for (JsonNode entry : resource.path("entry")) {
                if (entry.path("request") instanceof ObjectNode request && request.path("url").isTextual()) {
                    String url = request.get("url").asText();
                    int query = url.indexOf('?');
                    if (query >= 0) {
                        request.put("url", url.substring(0, query));
                    }
                    request.remove("ifNoneExist");
                }
            }
        }
        walk(resource, node, null, patient);
        prune(resource);
    }

    private void walk(ObjectNode object, FhirRules.Node node, MaskRule inherited, String patient) {
        sweepObject(object, node, patient);
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (name.equals("resourceType")) {
                continue;
            }
            JsonNode value = object.get(name);
            if (value == null) {
                continue; // removed with its base element
            }
            String base = name.startsWith("_") ? name.substring(1) : name;
            if (name.startsWith("_") && object.has(base)) {
                continue; // handled with its base element
            }
            FhirRules.Node child = node == null ? null : node.match(base);
            MaskRule rule = child != null && child.rule != null ? child.rule : inherited;
            boolean deeper = child != null && !child.children.isEmpty();
            if (rule != null && rule.method() == MaskMethod.KEEP && !deeper) {
                continue;
            }
            if (isResource(value)) {
                maskResource((ObjectNode) value, patient);
                continue;
            }
            if (rule != null && !deeper) {
                applyRule(object, name, base, rule, patient);
                continue;
            }
            descend(object, name, value, deeper ? child : null, rule, patient);
        }
    }

    private void descend(ObjectNode parent, String name, JsonNode value, FhirRules.Node node, MaskRule inherited,
                         String patient) {
        if (value instanceof ObjectNode object) {
            walk(object, node, inherited, patient);
        } else if (value instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode member = array.get(i);
                if (isResource(member)) {
                    maskResource((ObjectNode) member, patient);
                } else if (member instanceof ObjectNode object) {
                    walk(object, node, inherited, patient);
                } else if (member.isTextual()) {
                    JsonNode swept = sweepText(name, member.asText(), patient);
                    if (swept == null) {
                        array.remove(i--);
                    } else if (swept != UNCHANGED) {
                        array.set(i, swept);
                    }
                }
            }
        } else if (value.isTextual() && !name.startsWith("_")) {
            JsonNode swept = sweepText(name, value.asText(), patient);
            if (swept == null) {
                parent.remove(name);
                parent.remove("_" + name);
            } else if (swept != UNCHANGED) {
                parent.set(name, swept);
                parent.remove("_" + name);
            }
        }
    }

    /** An Address whose state, country or postalCode holds something else than its code (a city as state). */
    private boolean addressOutOfPlace(ObjectNode address) {
        JsonNode state = address.get("state");
        JsonNode country = address.get("country");
        JsonNode zip = address.get("postalCode");
        return (state != null && !(state.isTextual() && AddressCodes.state(state.asText())))
                || (country != null && !(country.isTextual() && AddressCodes.country(country.asText())))
                || (zip != null && !(zip.isTextual() && fn.zip3(zip.asText()) != null));
    }

    /** Marks a text value the date sweep leaves as it is. */
    private static final JsonNode UNCHANGED = TextNode.valueOf("");

    /** The date sweep on a text value: {@link #UNCHANGED}, a new node, or null to remove it. */
    private JsonNode sweepText(String name, String text, String patient) {
        if (sweeps.dates() == null) {
            return UNCHANGED;
        }
        boolean dateElement = FhirSweeps.isDateElement(name);
        if (!dateElement && (text.length() < 7 || !Character.isDigit(text.charAt(0)))) {
            return UNCHANGED;
        }
        DateText date = DateText.parse(text);
        if (date == null) {
            return dateElement ? null : UNCHANGED; // fail-closed: a date element the parser cannot read goes
        }
        if (!date.finerThanYear()) {
            return UNCHANGED;
        }
        if (sweeps.dates() == MaskMethod.YEAR) {
            return FhirSweeps.INSTANT_ELEMENTS.contains(name) ? null : TextNode.valueOf(date.yearText());
        }
        return TextNode.valueOf(date.shift(fn.shiftDays(patient)));
    }

    private void sweepObject(ObjectNode object, FhirRules.Node node, String patient) {
        if (sweeps.addresses() && (object.has("state") || object.has("country")) && addressOutOfPlace(object)) {
            // masked whole, but a valid state code
            String state = object.path("state").asText("");
            object.removeAll();
            if (AddressCodes.state(state)) {
                object.put("state", state);
            }
            return;
        }
        if (sweeps.phiExtensions()) {
            removePhiExtensions(object.get("extension"));
            removePhiExtensions(object.get("modifierExtension"));
        }
        if (sweeps.references() && object.has("display") && !object.has("code")
                && (object.path("reference").isTextual() || object.path("identifier").isObject())
                && !(node != null && node.keeps("display"))) {
            String target = referenceType(object.path("reference").asText(""), object.path("type").asText(""));
            if (!FhirSweeps.KEPT_REFERENCE_TYPES.contains(target)) {
                object.remove("display");
                object.remove("_display");
                if (object.get("identifier") instanceof ObjectNode identifier) {
                    if (sweeps.referenceIdentifier().method() == MaskMethod.REDACT) {
                        object.remove("identifier");
                    } else if (identifier.path("value").isTextual()) {
                        String masked = fn.apply(sweeps.referenceIdentifier(), identifier.get("value").asText(),
                                patient);
                        if (masked == null) {
                            identifier.remove("value");
                        } else {
                            identifier.put("value", masked);
                        }
                    }
                }
            }
        }
        if (sweeps.attachments() && object.has("contentType")
                && (object.has("data") || object.has("url") || object.has("title"))) {
            for (String key : new String[] {"data", "url", "title", "hash", "_data", "_url", "_title"}) {
                object.remove(key);
            }
        }
        if (sweeps.ages() && "http://unitsofmeasure.org".equals(object.path("system").asText())
                && "a".equals(object.path("code").asText()) && object.path("value").isNumber()
                && object.get("value").decimalValue().compareTo(BigDecimal.valueOf(89)) > 0) {
            object.set("value", DecimalNode.valueOf(BigDecimal.valueOf(90)));
            object.put("comparator", ">=");
        }
    }

    private static String referenceType(String reference, String type) {
        if (!type.isEmpty()) {
            int slash = type.lastIndexOf('/');
            return slash < 0 ? type : type.substring(slash + 1);
        }
        String[] parts = reference.split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            if (!parts[i].isEmpty() && Character.isUpperCase(parts[i].charAt(0)) && !parts[i].equals("_history")) {
                return parts[i];
            }
        }
        return "";
    }

    private static void removePhiExtensions(JsonNode extensions) {
        if (!(extensions instanceof ArrayNode array)) {
            return;
        }
        for (Iterator<JsonNode> it = array.iterator(); it.hasNext(); ) {
            String url = it.next().path("url").asText("");
            for (String phi : FhirSweeps.PHI_EXTENSIONS) {
                if (url.endsWith("/" + phi) || url.equals(phi)) {
                    it.remove();
                    break;
                }
            }
        }
    }

    /** One rule on one property (all its array members), and its {@code _property} companion. */
    private void applyRule(ObjectNode parent, String name, String base, MaskRule rule, String patient) {
        if (rule.method() == MaskMethod.REDACT) {
            parent.remove(base);
            parent.remove("_" + base);
            return;
        }
        if (name.startsWith("_")) {
            parent.remove(name); // only extensions on a masked primitive: they could hold the original
            return;
        }
        JsonNode masked = transform(parent.get(name), rule, patient);
        if (masked == null) {
            parent.remove(name);
        } else {
            parent.set(name, masked);
        }
        parent.remove("_" + name);
    }

    /** A value with a rule applied: a new or the same node, or null to remove it. */
    private JsonNode transform(JsonNode value, MaskRule rule, String patient) {
        if (value instanceof ArrayNode array) {
            ArrayNode out = array.arrayNode(array.size());
            for (JsonNode member : array) {
                JsonNode masked = transform(member, rule, patient);
                if (masked != null) {
                    out.add(masked);
                }
            }
            return out.isEmpty() ? null : out;
        }
        if (value instanceof ObjectNode object) {
            ObjectNode out = object.objectNode();
            object.properties().forEach(e -> {
                String key = e.getKey();
                if (STRUCTURAL.contains(key)) {
                    out.set(key, e.getValue());
                } else if (!key.startsWith("_") && !key.endsWith("xtension")) {
                    // extensions and _primitive companions are dropped: they could hold the original value
                    JsonNode masked = transform(e.getValue(), rule, patient);
                    if (masked != null) {
                        out.set(key, masked);
                    }
                }
            });
            return hasContent(out) ? out : null;
        }
        if (value.isTextual()) {
            String masked = fn.apply(rule, value.asText(), patient);
            return masked == null ? null : TextNode.valueOf(masked);
        }
        if (value.isNumber()) {
            return switch (rule.method()) {
                case AGE90 -> value.decimalValue().compareTo(BigDecimal.valueOf(89)) > 0
                        ? DecimalNode.valueOf(BigDecimal.valueOf(90)) : value;
                case HASH, KEEP_LAST, REPLACE -> TextNode.valueOf(fn.apply(rule, value.asText(), patient));
                default -> null;
            };
        }
        if (value.isBoolean()) {
            return value;
        }
        return null;
    }

    /** An object with something besides the keys that only describe a value. */
    private static boolean hasContent(ObjectNode object) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!STRUCTURAL.contains(name) || name.equals("code")) {
                return true;
            }
        }
        return false;
    }

    /** Removes empty objects and arrays (invalid in FHIR) and narratives without their mandatory div. */
    private static boolean prune(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.get("text") instanceof ObjectNode text && !text.has("div") && text.has("status")) {
                object.remove("text");
            }
            for (Iterator<JsonNode> it = object.elements(); it.hasNext(); ) {
                if (prune(it.next())) {
                    it.remove();
                }
            }
            return object.isEmpty();
        }
        if (node instanceof ArrayNode array) {
            for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
                if (prune(it.next())) {
                    it.remove();
                }
            }
            return array.isEmpty();
        }
        return false;
    }
}
