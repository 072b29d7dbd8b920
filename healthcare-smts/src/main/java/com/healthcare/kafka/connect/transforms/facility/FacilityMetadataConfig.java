package com.healthcare.kafka.connect.transforms.facility;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

/** Every key of {@code FacilityMetadata}, its validation, and the parsed values. */
public final class FacilityMetadataConfig {

    public static final String FACILITY_CODE = "facility.code";
    public static final String FACILITY_NAME = "facility.name";
    public static final String FACILITY_CODE_FIELD = "facility.code.field";
    public static final String FACILITY_NAME_FIELD = "facility.name.field";
    public static final String KEY_MODE = "key.mode";
    public static final String KEY_ID_FIELD = "key.id.field";
    public static final String HEADERS_ENABLED = "facility.headers.enabled";

    public static final String KEY_MODE_STRUCT = "struct";
    public static final String KEY_MODE_NONE = "none";

    private static final String GROUP_FACILITY = "Facility";
    private static final String GROUP_FIELDS = "Fields";
    private static final String GROUP_KEY = "Key";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FACILITY_CODE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new FieldValue(FACILITY_CODE),
                    Importance.HIGH, "Facility code stamped into key and value (e.g. the DHIS2 org unit code). "
                            + "May be a config provider reference such as ${env:FACILITY_DHIS2_CODE}.",
                    GROUP_FACILITY, 1, Width.MEDIUM, "Facility code")
            .define(FACILITY_NAME, Type.STRING, null, Importance.MEDIUM,
                    "Facility name stamped into the value (never into the key). Unset or blank: the value gets "
                            + "no name field. May be a config provider reference such as ${env:FACILITY_NAME}.",
                    GROUP_FACILITY, 2, Width.LONG, "Facility name")
            .define(HEADERS_ENABLED, Type.BOOLEAN, false, Importance.LOW,
                    "Also add the code and the name as string headers, named like their fields (an existing "
                            + "header of that name is replaced).",
                    GROUP_FACILITY, 3, Width.SHORT, "Facility headers")
            .define(FACILITY_CODE_FIELD, Type.STRING, "facility_code", new FieldName(FACILITY_CODE_FIELD),
                    Importance.MEDIUM, "Name of the field that carries the facility code in key and value "
                            + "(seed 002 uses facility_dhis2_code). Added as an optional string field.",
                    GROUP_FIELDS, 1, Width.MEDIUM, "Code field")
            .define(FACILITY_NAME_FIELD, Type.STRING, "facility_name", new FieldName(FACILITY_NAME_FIELD),
                    Importance.MEDIUM, "Name of the value field that carries the facility name. Added as an "
                            + "optional string field.",
                    GROUP_FIELDS, 2, Width.MEDIUM, "Name field")
            .define(KEY_MODE, Type.STRING, KEY_MODE_STRUCT,
                    ConfigDef.CaseInsensitiveValidString.in(KEY_MODE_STRUCT, KEY_MODE_NONE), Importance.HIGH,
                    "struct: the key carries the code (a Struct or Map key gains the code field; a primitive key "
                            + "becomes a Struct/Map of key.id.field and the code field), so keys of different "
                            + "facilities never collide. none: the key is left as it is.",
                    GROUP_KEY, 1, Width.SHORT, "Key mode")
            .define(KEY_ID_FIELD, Type.STRING, "id", new FieldName(KEY_ID_FIELD), Importance.LOW,
                    "Field that holds a primitive key once it is wrapped into a Struct (key.mode=struct).",
                    GROUP_KEY, 2, Width.SHORT, "Key id field");

    private final String code;
    private final String name;
    private final String codeField;
    private final String nameField;
    private final boolean stampKey;
    private final String keyIdField;
    private final boolean headersEnabled;

    public FacilityMetadataConfig(Map<String, ?> props) {
        SimpleConfig config = new SimpleConfig(CONFIG_DEF, props);
        this.code = config.getString(FACILITY_CODE);
        String configuredName = config.getString(FACILITY_NAME);
        this.name = configuredName == null || configuredName.isBlank() ? null : configuredName;
        this.codeField = config.getString(FACILITY_CODE_FIELD);
        this.nameField = config.getString(FACILITY_NAME_FIELD);
        this.stampKey = KEY_MODE_STRUCT.equals(config.getString(KEY_MODE).toLowerCase(Locale.ROOT));
        this.keyIdField = config.getString(KEY_ID_FIELD);
        this.headersEnabled = config.getBoolean(HEADERS_ENABLED);
        // Cross-key rules: a ConfigDef validator only sees its own key, so these are checked here.
        if (name != null && codeField.equals(nameField)) {
            throw new ConfigException(FACILITY_NAME_FIELD, nameField,
                    "must differ from " + FACILITY_CODE_FIELD + " (both would write the same field)");
        }
        if (stampKey && codeField.equals(keyIdField)) {
            throw new ConfigException(KEY_ID_FIELD, keyIdField,
                    "must differ from " + FACILITY_CODE_FIELD + " (a wrapped primitive key needs both fields)");
        }
    }

    public String code() {
        return code;
    }

    /** The facility name, or null when the value gets no name field. */
    public String name() {
        return name;
    }

    public String codeField() {
        return codeField;
    }

    public String nameField() {
        return nameField;
    }

    public boolean stampKey() {
        return stampKey;
    }

    public String keyIdField() {
        return keyIdField;
    }

    public boolean headersEnabled() {
        return headersEnabled;
    }

    /** A field name: not blank (it becomes a column name downstream; ConfigDef already trims it). */
    static final class FieldName implements ConfigDef.Validator {
        private final String key;

        FieldName(String key) {
            this.key = key;
        }

        @Override
        public void ensureValid(String name, Object value) {
            String text = (String) value;
            if (text == null || text.isBlank()) {
                throw new ConfigException(key, value, "must be a non-empty field name");
            }
        }

        @Override
        public String toString() {
            return "non-empty field name";
        }
    }

    /** A stamped value: required, not blank. */
    static final class FieldValue implements ConfigDef.Validator {
        private final String key;

        FieldValue(String key) {
            this.key = key;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || ((String) value).isBlank()) {
                throw new ConfigException(key, value, "must not be empty (a record without its facility code "
                        + "could overwrite another facility's row)");
            }
        }

        @Override
        public String toString() {
            return "non-blank string";
        }
    }
}
