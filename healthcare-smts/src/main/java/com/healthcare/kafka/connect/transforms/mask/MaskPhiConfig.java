package com.healthcare.kafka.connect.transforms.mask;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

/** MaskPhi's configuration: keys, documentation, validation, and the parsed settings. */
public final class MaskPhiConfig {

    public static final String PROFILE = "profile";
    public static final String RULES = "rules";
    public static final String FIELDS = "fields";
    public static final String REPLACEMENT = "replacement";
    public static final String HASH_KEY = "hash.key";
    public static final String DATESHIFT_MAX_DAYS = "dateshift.max.days";
    public static final String FORMAT = "format";
    public static final String FREE_TEXT = "free.text";
    public static final String FREE_TEXT_VALUE_TYPES = "free.text.value.types";
    public static final String PATIENT_ID_PATH = "patient.id.path";
    public static final String ZIP3_RESTRICTED = "zip3.restricted";

    public enum Format { AUTO, STRUCT, HL7, FHIR }

    private static final String GROUP = "Masking";

    private static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(PROFILE, Type.STRING, "none",
                    ConfigDef.CaseInsensitiveValidString.in("none", "safe-harbor", "pseudonymize"), Importance.HIGH,
                    "Built-in rule set. 'safe-harbor': 45 CFR 164.514(b)(2) applied strictly (identifiers removed,"
                            + " never hashed; dates to the year; ages over 89 to 90+; ZIP to 3 digits or 000; keys"
                            + " null). 'pseudonymize': identifiers become keyed HMAC pseudonyms and dates shift by a"
                            + " per-patient offset, the rest as safe-harbor; it is NOT Safe Harbor (expert"
                            + " determination or limited data set). 'none': only 'rules' and 'fields'."
                            + " docs/phi-masking.md lists every element. A configuration that masks nothing"
                            + " (profile none, no rules, no fields) is rejected.",
                    GROUP, 1, Width.SHORT, "Profile", new RulesValidator.MasksNothing())
            .define(RULES, Type.LIST, "", new RulesValidator(), Importance.HIGH,
                    "Rules path:method[:argument], comma-separated, that add to or override the profile. Paths:"
                            + " HL7 v2 SEG-n[.c[.s]] (PID-19, PID-11.5; dotted PID.19 too), FHIR"
                            + " ResourceType.element.sub (Patient.address.line; Resource.x for every type), or a"
                            + " dotted path into a Struct/Map (after.ssn). Methods: " + MaskMethod.tokens() + ".",
                    GROUP, 2, Width.LONG, "Rules")
            .define(FIELDS, Type.LIST, "", new RulesValidator.Paths(), Importance.MEDIUM,
                    "Compatibility with MaskField-style configs (seed 000's maskPHI): paths, e.g. PID.19,PID.18,"
                            + "PID.11, each masked with 'replacement' (as a replace rule). 'rules' win on the same"
                            + " path.",
                    GROUP, 3, Width.LONG, "Fields")
            .define(REPLACEMENT, Type.STRING, "[REDACTED]", Importance.MEDIUM,
                    "Text of 'replace' rules without their own text, and of 'fields'.",
                    GROUP, 4, Width.SHORT, "Replacement")
            .define(HASH_KEY, Type.PASSWORD, null, new HashKeyRecommender.KeyValidator(), Importance.HIGH,
                    "Secret key of the HMAC-SHA256 behind 'hash' and 'dateshift' (at least 16 characters; use a"
                            + " config provider, e.g. ${file:/etc/kafka/secrets/mask:hash.key}). Required by the"
                            + " pseudonymize profile and any hash or dateshift rule. The same key gives the same"
                            + " pseudonyms, so joins work across topics and connectors.",
                    GROUP, 5, Width.MEDIUM, "Hash key", new HashKeyRecommender())
            .define(DATESHIFT_MAX_DAYS, Type.INT, 365, ConfigDef.Range.between(1, 3650), Importance.MEDIUM,
                    "Largest date shift, in days: each patient's offset lies in [-max, -1] or [1, max].",
                    GROUP, 6, Width.SHORT, "Date shift range")
            .define(FORMAT, Type.STRING, "auto", ConfigDef.CaseInsensitiveValidString.in("auto", "struct", "hl7",
                            "fhir"), Importance.MEDIUM,
                    "What the values are. 'auto' recognises Structs and Maps, the HL7 source's Struct, HL7 v2 text"
                            + " (string or bytes starting with MSH, FHS or BHS), FHIR JSON (a resourceType),"
                            + " other JSON, and JsonConverter envelopes. A value it cannot read (such as a source's"
                            + " error record of raw bytes) is redacted whole when a profile or a text rule is set,"
                            + " with the header maskphi.redacted: never passed on unmasked, never a task failure.",
                    GROUP, 7, Width.SHORT, "Format")
            .define(FREE_TEXT, Type.STRING, "redact", ConfigDef.CaseInsensitiveValidString.in("redact", "keep"),
                    Importance.MEDIUM,
                    "With a profile: 'redact' removes free text that can name people (HL7 NTE-3 and OBX-5 of the"
                            + " types in " + FREE_TEXT_VALUE_TYPES + "; FHIR annotations and report conclusions);"
                            + " 'keep' leaves it (only if your free text is known to hold no identifiers).",
                    GROUP, 8, Width.SHORT, "Free text")
            .define(FREE_TEXT_VALUE_TYPES, Type.LIST, "TX,FT", Importance.LOW,
                    "HL7 OBX-2 value types whose OBX-5 is free text. OBX-5 of type ED (documents) is always"
                            + " removed by the profiles.",
                    GROUP, 9, Width.SHORT, "Free-text value types")
            .define(PATIENT_ID_PATH, Type.STRING, "", Importance.LOW,
                    "Where 'dateshift' finds the patient id in a Struct or Map (e.g. after.patient_id). Empty:"
                            + " patient_id, patientId or mrn at the top or under after/before, else a primitive"
                            + " record key. HL7 uses PID-3.1; FHIR the Patient's id (or the subject's reference).",
                    GROUP, 10, Width.MEDIUM, "Patient id path")
            .define(ZIP3_RESTRICTED, Type.LIST, String.join(",", new TreeSet<>(MaskFunctions.RESTRICTED_ZIP3)),
                    new RulesValidator.Zip3(), Importance.LOW,
                    "3-digit ZIP areas of 20,000 people or fewer, which zip3 turns into 000. Default: the HHS"
                            + " list from the 2000 Census; update it when newer Census data is published.",
                    GROUP, 11, Width.LONG, "Restricted ZIP3");

    private MaskPhiConfig() {
    }

    public static ConfigDef configDef() {
        return CONFIG_DEF;
    }

    /** The parsed configuration. */
    public record Settings(Profile profile, List<MaskRule> userRules, String replacement, byte[] hashKey,
                           int maxShiftDays, Format format, boolean freeTextRedact, Set<String> freeTextTypes,
                           List<String> patientIdPath, Set<String> restrictedZip3) {
    }

    /**
     * Parses and checks a configuration.
     *
     * @throws ConfigException with a message that names the key (config only, never record data)
     */
    public static Settings parse(Map<String, ?> props) {
        SimpleConfig config = new SimpleConfig(CONFIG_DEF, props);
        Profile profile = Profile.of(config.getString(PROFILE));
        String replacement = config.getString(REPLACEMENT);
        List<MaskRule> rules = new ArrayList<>();
        for (String path : config.getList(FIELDS)) {
            if (!path.isBlank()) {
                rules.add(new MaskRule(RulePath.parse(path), MaskMethod.REPLACE, null));
            }
        }
        for (String rule : config.getList(RULES)) {
            if (!rule.isBlank()) {
                rules.add(MaskRule.parse(rule));
            }
        }
        if (profile == Profile.NONE && rules.stream().allMatch(r -> r.method() == MaskMethod.KEEP)) {
            throw new ConfigException(PROFILE, config.getString(PROFILE), RulesValidator.PROBLEM);
        }
        Password key = config.getPassword(HASH_KEY);
        String problem = HashKeyRecommender.problem(profile, rules, key == null ? null : key.value());
        if (problem != null) {
            throw new ConfigException(HASH_KEY, "[hidden]", problem);
        }
        Set<String> types = new LinkedHashSet<>();
        config.getList(FREE_TEXT_VALUE_TYPES).forEach(t -> types.add(t.trim().toUpperCase(Locale.ROOT)));
        String patientPath = config.getString(PATIENT_ID_PATH).trim();
        return new Settings(profile, List.copyOf(rules), replacement,
                key == null || key.value() == null ? null : key.value().getBytes(StandardCharsets.UTF_8),
                config.getInt(DATESHIFT_MAX_DAYS),
                Format.valueOf(config.getString(FORMAT).trim().toUpperCase(Locale.ROOT)),
                config.getString(FREE_TEXT).trim().equalsIgnoreCase("redact"), Set.copyOf(types),
                patientPath.isEmpty() ? List.of() : List.of(patientPath.split("\\.")),
                Set.copyOf(config.getList(ZIP3_RESTRICTED)));
    }
}
