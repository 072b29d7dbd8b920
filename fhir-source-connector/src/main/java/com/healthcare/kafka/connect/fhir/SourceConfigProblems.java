package com.healthcare.kafka.connect.fhir;

import static com.healthcare.kafka.connect.common.CrossKeyProblems.add;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.ALIASES;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.LISTENER_MAX_CONNECTIONS;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.LISTENER_MAX_CONNECTIONS_PER_ADDRESS;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.PRODUCER_MAX_REQUEST_SIZE;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.QUERY_PARAMETERS;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.RECORD_MAX_BYTES;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.RESOURCE_TYPES;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.SUBSCRIPTION_CRITERIA;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.SUBSCRIPTION_ENABLED;
import static com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.SUBSCRIPTION_TLS_PREFIX;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import com.healthcare.kafka.connect.common.TlsConfig;
import com.healthcare.kafka.connect.fhir.bulk.BulkExportSettings;
import com.healthcare.kafka.connect.fhir.config.QueryParameters;
import com.healthcare.kafka.connect.fhir.config.R4ResourceTypes;
import com.healthcare.kafka.connect.fhir.config.SubscriptionCriteria;
import com.healthcare.kafka.connect.fhirclient.FhirClientConfig;

/** The cross-field checks of the FHIR source config, which its {@code validate()} reports on the right key. */
final class SourceConfigProblems {

    private SourceConfigProblems() {
    }

    /**
     * Problems that single-key validators cannot see, keyed by the canonical config name they belong to.
     * {@code props} are the raw properties (synonyms allowed); keys that fail their own validator are skipped
     * here, since ConfigDef already reports them.
     */
    static Map<String, List<String>> of(Map<String, String> rawProps) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        problems.putAll(ALIASES.conflictsByKey(rawProps));
        Map<String, String> props = ALIASES.canonicalize(rawProps);
        FhirClientConfig.addProblems(props, problems);
        BulkExportSettings.addProblems(props, problems);

        List<String> types = listOrEmpty(props.get(RESOURCE_TYPES));
        if (!types.isEmpty()) {
            QueryParameters params = QueryParameters.parse(props.get(QUERY_PARAMETERS), types);
            params.errors().forEach(e -> add(problems, QUERY_PARAMETERS, e));
        }

        if (Boolean.parseBoolean(props.getOrDefault(SUBSCRIPTION_ENABLED, "false").trim())) {
            String criteria = props.getOrDefault(SUBSCRIPTION_CRITERIA, "");
            if (criteria.isBlank()) {
                add(problems, SUBSCRIPTION_CRITERIA, "is required when " + SUBSCRIPTION_ENABLED
                        + "=true, e.g. 'Observation?status=final'");
            } else {
                for (String c : SubscriptionCriteria.split(criteria)) {
                    String type = SubscriptionCriteria.type(c);
                    if (!R4ResourceTypes.isResourceType(type)) {
                        add(problems, SUBSCRIPTION_CRITERIA, "'" + c + "' does not start with a FHIR R4 resource "
                                + "type (expected e.g. 'Observation?status=final')");
                    } else if (!types.isEmpty() && !types.contains(type)) {
                        add(problems, SUBSCRIPTION_CRITERIA, "'" + c + "' is for " + type + ", which is not in "
                                + RESOURCE_TYPES + ": add it there, its notifications are deduplicated against "
                                + "that type's polling");
                    }
                }
            }
            String tlsEnabled = props.getOrDefault(SUBSCRIPTION_TLS_PREFIX + TlsConfig.ENABLED, "false");
            if (Boolean.parseBoolean(tlsEnabled.trim())) {
                try {
                    TlsConfig tls = TlsConfig.from(new AbstractConfig(tlsOnlyDef(), tlsProps(props)),
                            SUBSCRIPTION_TLS_PREFIX);
                    tls.problems().forEach((key, message) -> add(problems, key, message));
                } catch (ConfigException e) {
                    // the single-key validators already report this
                }
            }
        }

        Integer perAddress = intOrNull(props.get(LISTENER_MAX_CONNECTIONS_PER_ADDRESS));
        Integer total = intOrNull(props.getOrDefault(LISTENER_MAX_CONNECTIONS, "64"));
        if (perAddress != null && total != null && perAddress > total) {
            add(problems, LISTENER_MAX_CONNECTIONS_PER_ADDRESS, "is " + perAddress + ", more than "
                    + LISTENER_MAX_CONNECTIONS + " (" + total + ")");
        }
        Integer producerMax = intOrNull(props.get(PRODUCER_MAX_REQUEST_SIZE));
        Integer recordMax = intOrNull(props.getOrDefault(RECORD_MAX_BYTES, "1000000"));
        if (producerMax != null && recordMax != null && recordMax > producerMax - 1024) {
            add(problems, RECORD_MAX_BYTES, "is " + recordMax + " but " + PRODUCER_MAX_REQUEST_SIZE + " is "
                    + producerMax + ": a record this large would fail the task; set it at least 1 KiB lower");
        }
        return problems;
    }

    private static Integer intOrNull(String value) {
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ConfigDef tlsOnlyDef() {
        return TlsConfig.define(new ConfigDef(), SUBSCRIPTION_TLS_PREFIX, FhirSourceConnectorConfig.GROUP_LISTENER_TLS,
                "the listener");
    }

    private static Map<String, String> tlsProps(Map<String, String> props) {
        Map<String, String> result = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith(SUBSCRIPTION_TLS_PREFIX)) {
                result.put(k, v);
            }
        });
        return result;
    }

    private static List<String> listOrEmpty(String value) {
        List<String> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                result.add(s.trim());
            }
        }
        return result;
    }
}
