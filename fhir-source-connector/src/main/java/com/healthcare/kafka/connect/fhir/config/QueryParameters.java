package com.healthcare.kafka.connect.fhir.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code fhir.resource.query.parameters}: entries {@code [Type:]param=value}, separated by {@code &},
 * {@code ;} or a new line. A comma also starts a new entry when what follows looks like {@code [Type:]param=};
 * otherwise it stays in the value, where FHIR reads it as "or" ({@code status=final,amended}). An untyped entry
 * applies to every resource type. The parameters that drive incremental polling ({@code _lastUpdated},
 * {@code _sort}, {@code _count}, and {@code _format}, since the connector reads JSON) are managed by the
 * connector: entries naming them are ignored and reported so the caller can warn once.
 */
public final class QueryParameters {

    /** Search parameters the connector sets itself. */
    public static final Set<String> MANAGED = Set.of("_lastUpdated", "_sort", "_count", "_format");

    private static final String ANY_TYPE = "*";
    private static final Pattern ENTRY_START = Pattern.compile("^\\s*([A-Z][A-Za-z]*:)?[A-Za-z_][A-Za-z0-9_.\\-]*(:[A-Za-z0-9_.\\-]+)?=.*", Pattern.DOTALL);
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*(:[A-Za-z0-9_.\\-|]+)?");

    /** One search parameter: name (possibly with a modifier, e.g. {@code name:exact}) and raw value. */
    public record Param(String name, String value) {
        /** {@code name=value} with the value percent-encoded for a query string. */
        public String toQuery() {
            return name + "=" + encode(value);
        }
    }

    private final Map<String, List<Param>> byType;
    private final List<String> ignoredManaged;
    private final List<String> errors;

    private QueryParameters(Map<String, List<Param>> byType, List<String> ignoredManaged, List<String> errors) {
        this.byType = byType;
        this.ignoredManaged = ignoredManaged;
        this.errors = errors;
    }

    /**
     * @param raw   the config value (may be null or blank)
     * @param types the configured resource types; a typed entry must name one of them
     */
    public static QueryParameters parse(String raw, Collection<String> types) {
        Map<String, List<Param>> byType = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String entry : split(raw)) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                errors.add("entry '" + entry + "' is not of the form [Type:]param=value");
                continue;
            }
            String key = entry.substring(0, eq).trim();
            String value = entry.substring(eq + 1).trim();
            String type = ANY_TYPE;
            int colon = key.indexOf(':');
            if (colon > 0 && Character.isUpperCase(key.charAt(0))) {
                type = key.substring(0, colon);
                key = key.substring(colon + 1);
                if (!R4ResourceTypes.isResourceType(type)) {
                    errors.add("entry '" + entry + "' names '" + type + "', which is not a FHIR R4 resource type");
                    continue;
                }
                if (!types.contains(type)) {
                    errors.add("entry '" + entry + "' is for " + type + ", which is not in fhir.resource.types");
                    continue;
                }
            }
            if (!PARAM_NAME.matcher(key).matches()) {
                errors.add("entry '" + entry + "' has an invalid parameter name '" + key + "'");
                continue;
            }
            String baseName = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
            if (MANAGED.contains(baseName)) {
                ignored.add(entry);
                continue;
            }
            if (value.isEmpty()) {
                errors.add("entry '" + entry + "' has no value");
                continue;
            }
            byType.computeIfAbsent(type, t -> new ArrayList<>()).add(new Param(key, value));
        }
        return new QueryParameters(byType, List.copyOf(ignored), List.copyOf(errors));
    }

    /** The parameters for {@code type}: untyped entries first, then the type's own, in config order. */
    public List<Param> forType(String type) {
        List<Param> result = new ArrayList<>(byType.getOrDefault(ANY_TYPE, List.of()));
        result.addAll(byType.getOrDefault(type, List.of()));
        return result;
    }

    /** Entries naming a connector-managed parameter; they were dropped. */
    public List<String> ignoredManaged() {
        return ignoredManaged;
    }

    /** Human-readable problems, empty when the value is valid. */
    public List<String> errors() {
        return errors;
    }

    static List<String> split(String raw) {
        List<String> entries = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return entries;
        }
        for (String part : raw.split("[&;\\r\\n]")) {
            if (part.isBlank()) {
                continue;
            }
            StringBuilder current = new StringBuilder();
            String[] pieces = part.split(",", -1);
            for (int i = 0; i < pieces.length; i++) {
                String piece = pieces[i];
                if (i > 0 && ENTRY_START.matcher(piece).matches()) {
                    entries.add(current.toString().trim());
                    current.setLength(0);
                } else if (i > 0) {
                    current.append(',');
                }
                current.append(piece);
            }
            if (!current.toString().isBlank()) {
                entries.add(current.toString().trim());
            }
        }
        return entries;
    }

    /**
     * Percent-encodes a search value for a query string. Characters FHIR gives meaning to inside a value
     * ({@code , : / $}) stay readable; {@code + & = # | %} and spaces are encoded, except that an existing
     * {@code %XX} escape is kept as the user wrote it.
     */
    public static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
                out.append('%');
                continue;
            }
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || "-._~,:/$!*'()@".indexOf(b) >= 0) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
