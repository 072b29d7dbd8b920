package com.healthcare.kafka.connect.hl7;

import static com.healthcare.kafka.connect.common.CrossKeyProblems.add;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.ALIASES;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.ERROR_RECORD_MAX_BYTES;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.ERROR_RECORD_OVERHEAD_BYTES;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.MAX_MESSAGE_BYTES;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.PRODUCER_MAX_REQUEST_SIZE_OVERRIDE;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.RECORD_OVERHEAD_BYTES;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.SECURITY_ENABLED;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.SECURITY_KEYSTORE_LOCATION;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.SECURITY_PASSWORD;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.SECURITY_USERNAME;
import static com.healthcare.kafka.connect.hl7.Hl7SourceConnectorConfig.producerMaxRequestSize;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

import com.healthcare.kafka.connect.hl7.config.ConverterGrowth;

/**
 * The cross-key checks of the HL7 source config, which its {@code validate()} reports on the right key: synonym
 * conflicts, TLS stores and keys that do not open, legacy credentials without TLS, and limits the producer cannot
 * send. Messages never hold secrets.
 */
final class Hl7ConfigProblems {

    private Hl7ConfigProblems() {
    }

    static Map<String, List<String>> of(Map<String, String> rawProps) {
        Map<String, List<String>> problems = new LinkedHashMap<>(ALIASES.conflictsByKey(rawProps));
        Hl7SourceConnectorConfig config;
        try {
            config = new Hl7SourceConnectorConfig(rawProps);
        } catch (ConfigException e) {
            // Single-key validators already report it on the key itself.
            return problems;
        }
        config.tls().problems().forEach((key, message) -> add(problems, key, message));
        if (config.tls().enabled() && config.legacyCredentialsOnly()) {
            // Seed 001's form: it asks for security, and a listener without TLS would be silent plaintext.
            add(problems, SECURITY_KEYSTORE_LOCATION,
                    "MLLP has no username/password authentication, so " + SECURITY_USERNAME + " and "
                            + SECURITY_PASSWORD + " cannot secure the listener: set a key store for TLS, or "
                            + SECURITY_ENABLED + "=false to listen without TLS");
        }
        int maxRequestSize = producerMaxRequestSize(rawProps);
        ConverterGrowth growth = ConverterGrowth.of(rawProps.get("value.converter"));
        long errorRecordBytes = growth.bytes(config.errorRecordMaxBytes()) + ERROR_RECORD_OVERHEAD_BYTES;
        if (maxRequestSize > 0 && errorRecordBytes > maxRequestSize) {
            add(problems, ERROR_RECORD_MAX_BYTES,
                    "An error record with " + config.errorRecordMaxBytes() + " bytes of input takes up to "
                            + errorRecordBytes + " bytes with " + growth.describe() + ", over the producer's "
                            + "max.request.size " + maxRequestSize + ": lower " + ERROR_RECORD_MAX_BYTES
                            + " or raise " + PRODUCER_MAX_REQUEST_SIZE_OVERRIDE);
        }
        if (maxRequestSize > 0 && config.maxMessageBytes() > maxRequestSize - RECORD_OVERHEAD_BYTES) {
            add(problems, MAX_MESSAGE_BYTES,
                    "A message of " + config.maxMessageBytes() + " bytes would not fit in a Kafka request of "
                            + "max.request.size " + maxRequestSize + " (the record needs up to "
                            + RECORD_OVERHEAD_BYTES + " bytes more): lower " + MAX_MESSAGE_BYTES + " or set "
                            + PRODUCER_MAX_REQUEST_SIZE_OVERRIDE + " to at least "
                            + ((long) config.maxMessageBytes() + RECORD_OVERHEAD_BYTES)
                            + " (and the topics' max.message.bytes)");
        }
        return problems;
    }
}
