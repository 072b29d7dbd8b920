package com.healthcare.kafka.connect.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * Renders a {@link ConfigDef} as a Markdown reference page, so {@code docs/config/} is generated from the code
 * rather than written by hand (and a test keeps the committed copy current).
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    /**
     * @param title      page title, e.g. the plugin class name
     * @param intro      a paragraph under the title (may be empty)
     * @param def        the plugin's config definition
     * @param synonyms   alias -> canonical key, listed after the table (may be empty)
     */
    public static String toMarkdown(String title, String intro, ConfigDef def, Map<String, String> synonyms) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append("<!-- Generated from the plugin's ConfigDef by ConfigDocs; do not edit by hand. -->\n\n");
        if (intro != null && !intro.isBlank()) {
            md.append(intro.strip()).append("\n\n");
        }
        String currentGroup = null;
        List<ConfigKey> keys = def.configKeys().values().stream()
                .sorted((a, b) -> {
                    int ga = groupIndex(def, a.group);
                    int gb = groupIndex(def, b.group);
                    if (ga != gb) {
                        return Integer.compare(ga, gb);
                    }
                    if (a.orderInGroup != b.orderInGroup) {
                        return Integer.compare(a.orderInGroup, b.orderInGroup);
                    }
                    return a.name.compareTo(b.name);
                })
                .collect(Collectors.toList());
        for (ConfigKey key : keys) {
            String group = key.group == null ? "General" : key.group;
            if (!group.equals(currentGroup)) {
                currentGroup = group;
                md.append("## ").append(group).append("\n\n");
                md.append("| Key | Type | Default | Valid values | Importance | Description |\n");
                md.append("|---|---|---|---|---|---|\n");
            }
            md.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | ")
                    .append(defaultText(key)).append(" | ")
                    .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                    .append(key.importance.name().toLowerCase()).append(" | ")
                    .append(cell(key.documentation)).append(" |\n");
        }
        md.append('\n');
        if (synonyms != null && !synonyms.isEmpty()) {
            md.append("## Synonyms\n\n");
            md.append("These keys are accepted for compatibility and mean the same as their canonical key. ")
                    .append("Setting both with different values is a validation error.\n\n");
            md.append("| Synonym | Canonical key |\n|---|---|\n");
            synonyms.forEach((alias, canonical) ->
                    md.append("| `").append(alias).append("` | `").append(canonical).append("` |\n"));
            md.append('\n');
        }
        return md.toString();
    }

    private static int groupIndex(ConfigDef def, String group) {
        int i = def.groups().indexOf(group);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static String defaultText(ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        if (key.defaultValue == null) {
            return "null";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "[hidden]";
        }
        String text = ConfigDef.convertToString(key.defaultValue, key.type);
        return text == null || text.isEmpty() ? "\"\"" : "`" + text.replace("|", "\\|") + "`";
    }

    private static String cell(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /**
     * Compares {@code expected} with the committed reference page at {@code file}; with {@code update} it writes
     * the page instead. Returns null when the file is current, otherwise a message saying how to regenerate it.
     */
    public static String checkOrUpdate(Path file, String expected, boolean update) {
        try {
            if (update) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, expected, StandardCharsets.UTF_8);
                return null;
            }
            if (!Files.exists(file)) {
                return file + " is missing; regenerate with -Dconfig.docs.update=true";
            }
            String actual = Files.readString(file, StandardCharsets.UTF_8);
            return actual.equals(expected) ? null
                    : file + " is stale: the ConfigDef changed; regenerate with -Dconfig.docs.update=true";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
