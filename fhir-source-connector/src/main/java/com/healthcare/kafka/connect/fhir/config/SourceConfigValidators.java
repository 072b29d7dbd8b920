package com.healthcare.kafka.connect.fhir.config;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import com.healthcare.kafka.connect.common.DescribedValidator;

/** The single-key validators of the FHIR source's ConfigDef, and the value forms they accept. */
public final class SourceConfigValidators {

    private SourceConfigValidators() {
    }

    public static ConfigDef.Validator fhirVersionValidator() {
        Set<String> r4 = Set.of("r4", "4.0", "4.0.0", "4.0.1");
        return DescribedValidator.of("R4 (or 4.0, 4.0.1)", (name, value) -> {
            String s = value == null ? "" : value.toString().trim().toLowerCase(Locale.ROOT);
            if (!r4.contains(s)) {
                throw new ConfigException(name, value, "FHIR version '" + value + "' is not supported: this connector "
                        + "reads FHIR R4 servers only (use R4, 4.0 or 4.0.1)");
            }
        });
    }

    public static ConfigDef.Validator subscriptionTypeValidator() {
        return DescribedValidator.of("rest-hook", (name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            if (!s.equalsIgnoreCase("rest-hook")) {
                throw new ConfigException(name, value, "only rest-hook subscriptions are supported (websocket, email "
                        + "and message channels cannot deliver to a Connect task)");
            }
        });
    }

    @SuppressWarnings("unchecked")
    public static ConfigDef.Validator resourceTypesValidator() {
        return DescribedValidator.of("non-empty list of FHIR R4 resource types", (name, value) -> {
            List<String> types = value == null ? List.of() : trimmed((List<String>) value);
            if (types.isEmpty()) {
                throw new ConfigException(name, value, "list at least one resource type, e.g. Patient,Observation");
            }
            for (String t : types) {
                if (!R4ResourceTypes.isResourceType(t)) {
                    throw new ConfigException(name, value, "'" + t + "' is not a FHIR R4 resource type (names are "
                            + "case-sensitive, e.g. Patient, MedicationRequest)");
                }
            }
        });
    }

    public static ConfigDef.Validator sinceValidator() {
        return DescribedValidator.of("empty, ISO-8601 instant with offset, or date", (name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty()) {
                return;
            }
            try {
                canonicalInstant(s);
            } catch (DateTimeParseException e) {
                throw new ConfigException(name, value, "must be an instant with offset (2024-01-31T00:00:00Z, "
                        + "2024-01-31T08:00:00.000+01:00) or a date (2024-01-31)");
            }
        });
    }

    public static ConfigDef.Validator headerValidator() {
        return DescribedValidator.of("'Header-Name: value' or empty", (name, value) -> {
            if (value == null) {
                return;
            }
            String s = value instanceof Password p ? p.value() : value.toString();
            if (s == null || s.isBlank()) {
                return;
            }
            int colon = s.indexOf(':');
            // messages never echo the value: it is a secret
            if (colon <= 0 || s.substring(colon + 1).isBlank()) {
                throw new ConfigException(name + " must be 'Header-Name: value', e.g. 'Authorization: Bearer <token>'");
            }
            if (!s.substring(0, colon).trim().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new ConfigException(name + " has an invalid header name before ':'");
            }
        });
    }

    public static ConfigDef.Validator topicPrefixValidator() {
        return DescribedValidator.of("topic name characters", (name, value) -> {
            String s = value == null ? "" : value.toString();
            if (!s.matches("[A-Za-z0-9._-]*")) {
                throw new ConfigException(name, value, "may only contain letters, digits, '.', '_' and '-' (topic "
                        + "names)");
            }
        });
    }

    /** The non-blank values, trimmed. */
    public static List<String> trimmed(List<String> values) {
        List<String> result = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                result.add(v.trim());
            }
        }
        return result;
    }

    /**
     * An instant with offset, kept as written (full precision), or a date turned into midnight UTC.
     *
     * @throws DateTimeParseException when neither
     */
    public static String canonicalInstant(String value) {
        if (value.length() == 10) {
            return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC).toString();
        }
        OffsetDateTime.parse(value);
        return value;
    }
}
