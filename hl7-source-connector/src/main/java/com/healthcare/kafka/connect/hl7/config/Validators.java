package com.healthcare.kafka.connect.hl7.config;

import java.util.List;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import com.healthcare.kafka.connect.common.DescribedValidator;
import com.healthcare.kafka.connect.hl7.mllp.Cidr;
import com.healthcare.kafka.connect.hl7.routing.MessageTypeFilter;
import com.healthcare.kafka.connect.hl7.routing.TopicRouter;
import com.healthcare.kafka.connect.hl7v2.Hl7Charsets;

/** ConfigDef validators whose messages say what is wrong and what would be right. */
public final class Validators {

    private static final Pattern VERSION = Pattern.compile("2\\.[1-8](\\.1)?");

    private Validators() {
    }

    public static ConfigDef.Validator messageTypes() {
        return DescribedValidator.of("a list of TYPE or TYPE^EVENT, e.g. ADT^A01,ORU", (name, value) -> {
            @SuppressWarnings("unchecked")
            List<String> entries = (List<String>) value;
            List<String> problems = MessageTypeFilter.problems(entries);
            if (!problems.isEmpty()) {
                throw new ConfigException(name, value, String.join("; ", problems));
            }
        });
    }

    /** IP address blocks (CIDR) or single addresses, literal only. */
    public static ConfigDef.Validator cidrs() {
        return DescribedValidator.of("a list of IP address blocks, e.g. 10.0.0.0/8,192.168.1.7,fd00::/8",
                (name, value) -> {
                    @SuppressWarnings("unchecked")
                    List<String> entries = (List<String>) value;
                    for (String entry : entries) {
                        if (entry.isBlank()) {
                            continue;
                        }
                        try {
                            Cidr.parse(entry);
                        } catch (IllegalArgumentException e) {
                            throw new ConfigException(name, value, e.getMessage());
                        }
                    }
                });
    }

    public static ConfigDef.Validator topicMapping() {
        return DescribedValidator.of("a list of TYPE[^EVENT]:topic, e.g. ADT^A01:clinical.patient.admitted",
                (name, value) -> {
                    @SuppressWarnings("unchecked")
                    List<String> entries = (List<String>) value;
                    List<String> problems = TopicRouter.mappingProblems(entries);
                    if (!problems.isEmpty()) {
                        throw new ConfigException(name, value, String.join("; ", problems));
                    }
                });
    }

    /** A topic prefix: may be empty; with a message type appended it must form a legal topic name. */
    public static ConfigDef.Validator topicPrefix() {
        return DescribedValidator.of("letters, digits, '.', '_', '-'", (name, value) -> {
            String prefix = value == null ? "" : value.toString();
            if (!prefix.isEmpty() && !TopicRouter.isLegalTopic(prefix + "ADT")) {
                throw new ConfigException(name, value, "A topic prefix may only hold letters, digits, '.', '_' "
                        + "and '-' (Kafka topic names), and at most 239 characters");
            }
        });
    }

    /** An optional topic name (empty means a default). */
    public static ConfigDef.Validator optionalTopic() {
        return DescribedValidator.of("empty, or a legal Kafka topic name", (name, value) -> {
            String topic = value == null ? "" : value.toString().trim();
            if (!topic.isEmpty() && !TopicRouter.isLegalTopic(topic)) {
                throw new ConfigException(name, value, "Not a legal Kafka topic name (letters, digits, '.', '_', "
                        + "'-', at most 249 characters)");
            }
        });
    }

    public static ConfigDef.Validator optionalCharset() {
        return DescribedValidator.of("empty, an HL7 MSH-18 name (e.g. UNICODE UTF-8, 8859/1) or a Java charset name",
                (name, value) -> {
                    String charset = value == null ? "" : value.toString().trim();
                    if (!charset.isEmpty() && Hl7Charsets.forName(charset) == null) {
                        throw new ConfigException(name, value, "Unknown character set: use an HL7 MSH-18 value "
                                + "(e.g. UNICODE UTF-8, 8859/1, ASCII) or a Java charset name (e.g. UTF-8, "
                                + "windows-1252)");
                    }
                });
    }

    public static ConfigDef.Validator optionalVersion() {
        return DescribedValidator.of("empty, or an HL7 v2 version such as 2.5 or 2.5.1", (name, value) -> {
            String version = value == null ? "" : value.toString().trim();
            if (!version.isEmpty() && !VERSION.matcher(version).matches()) {
                throw new ConfigException(name, value, "Not an HL7 v2 version: use 2.1 ... 2.8.1, e.g. 2.5");
            }
        });
    }

    public static ConfigDef.Validator nonBlank() {
        return DescribedValidator.of("a non-empty string", (name, value) -> {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(name, value, "Must not be empty");
            }
        });
    }

    /** One of the given acknowledgement codes (table 0008). */
    public static ConfigDef.Validator ackCode(String... allowed) {
        ConfigDef.Validator inner = ConfigDef.CaseInsensitiveValidString.in(allowed);
        return DescribedValidator.of(String.join(", ", allowed), (name, value) -> {
            try {
                inner.ensureValid(name, value);
            } catch (ConfigException e) {
                throw new ConfigException(name, value, "Must be one of " + String.join(", ", allowed)
                        + " (HL7 table 0008 acknowledgement codes)");
            }
        });
    }
}
