package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The vocabulary side of the mapping, kept as data: HL7 V2-to-FHIR IG ConceptMaps and code system names as TSV
 * files under {@code tables/} on the classpath. A site overrides or extends any of them with a file of the same
 * name in {@code mapping.overrides.dir}: its lines replace or add entries, and a line whose target is "-" removes
 * one. Loaded once per transform instance; immutable afterwards, so it is safe to share across threads.
 */
public final class MappingTables {

    /** Concept maps: v2 code -> FHIR code [system [display]]. */
    public static final List<String> CONCEPT_MAPS = List.of(
            "administrative-sex", "marital-status", "event-encounter-status", "patient-class",
            "patient-class-status", "allergen-category", "allergy-type", "allergy-criticality",
            "allergy-reaction-severity", "observation-status", "result-status", "order-control-status",
            "order-status", "priority", "completion-status", "appointment-status", "event-appointment-status",
            "diagnosis-type", "discharge-disposition", "admit-source", "yes-no", "telecom-use",
            "telecom-equipment", "address-use", "address-type", "name-use", "relationship", "interpretation",
            "route", "document-status", "document-availability", "specimen-availability", "subscriber-relationship");

    /** Single-valued lookups: key -> value. */
    public static final List<String> LOOKUPS = List.of(
            "coding-systems", "identifier-systems", "identifier-type-systems", "ucum-units", "language",
            "mime-types");

    public static final String V2_TABLES = "v2-tables";

    private static final String BASE = "/com/healthcare/kafka/connect/transforms/hl7tofhir/tables/";

    private final Map<String, ConceptMap> maps;
    private final Map<String, Map<String, String>> lookups;
    private final Map<String, Set<String>> v2Tables;

    private MappingTables(Map<String, ConceptMap> maps, Map<String, Map<String, String>> lookups,
                          Map<String, Set<String>> v2Tables) {
        this.maps = maps;
        this.lookups = lookups;
        this.v2Tables = v2Tables;
    }

    /** Every table file name a site may override. */
    public static Set<String> overridableFiles() {
        Set<String> names = new TreeSet<>();
        CONCEPT_MAPS.forEach(n -> names.add(n + ".tsv"));
        LOOKUPS.forEach(n -> names.add(n + ".tsv"));
        names.add(V2_TABLES + ".tsv");
        return names;
    }

    /** The built-in tables only. */
    public static MappingTables defaults() {
        return load(null);
    }

    /**
     * @param overridesDir a directory of override files, or null
     * @throws IllegalArgumentException naming the file and line of any problem
     */
    public static MappingTables load(Path overridesDir) {
        Map<String, Path> overrides = overrideFiles(overridesDir);
        Map<String, ConceptMap> maps = new HashMap<>();
        for (String name : CONCEPT_MAPS) {
            Map<String, String[]> rows = new HashMap<>();
            readInto(name, rows, overrides.get(name + ".tsv"), 2);
            maps.put(name, new ConceptMap(rows));
        }
        Map<String, Map<String, String>> lookups = new HashMap<>();
        for (String name : LOOKUPS) {
            Map<String, String[]> rows = new HashMap<>();
            readInto(name, rows, overrides.get(name + ".tsv"), 2);
            Map<String, String> m = new HashMap<>();
            rows.forEach((k, v) -> m.put(k, v[0]));
            lookups.put(name, m);
        }
        Map<String, String[]> tableRows = new HashMap<>();
        readInto(V2_TABLES, tableRows, overrides.get(V2_TABLES + ".tsv"), 2);
        Map<String, Set<String>> tables = new HashMap<>();
        tableRows.forEach((table, codes) -> tables.put(table, Set.of(dedupe(codes))));
        return new MappingTables(maps, lookups, tables);
    }

    private static String[] dedupe(String[] codes) {
        return new java.util.LinkedHashSet<>(List.of(codes)).toArray(new String[0]);
    }

    private static Map<String, Path> overrideFiles(Path dir) {
        if (dir == null) {
            return Map.of();
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("mapping overrides directory " + dir + " does not exist");
        }
        Map<String, Path> files = new HashMap<>();
        Set<String> allowed = overridableFiles();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tsv")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException("unknown mapping override file " + name + " in " + dir
                            + "; allowed: " + String.join(", ", allowed));
                }
                files.put(name, p);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list mapping overrides directory " + dir + ": " + e, e);
        }
        return files;
    }

    private static void readInto(String name, Map<String, String[]> rows, Path override, int minColumns) {
        String resource = BASE + name + ".tsv";
        try (InputStream in = MappingTables.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in mapping table " + resource);
            }
            read(name + ".tsv (built-in)", new InputStreamReader(in, StandardCharsets.UTF_8), rows, minColumns);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in mapping table " + resource, e);
        }
        if (override != null) {
            try (Reader r = Files.newBufferedReader(override, StandardCharsets.UTF_8)) {
                read(override.toString(), r, rows, minColumns);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read mapping override " + override + ": " + e, e);
            }
        }
    }

    private static void read(String source, Reader reader, Map<String, String[]> rows, int minColumns)
            throws IOException {
        BufferedReader br = new BufferedReader(reader);
        String line;
        int no = 0;
        while ((line = br.readLine()) != null) {
            no++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length < minColumns || cols[0].isEmpty()) {
                throw new IllegalArgumentException(source + " line " + no
                        + ": expected at least " + minColumns + " tab-separated columns");
            }
            if (cols.length == 2 && cols[1].equals("-")) {
                rows.remove(cols[0]);
                continue;
            }
            String[] rest = new String[cols.length - 1];
            for (int i = 1; i < cols.length; i++) {
                rest[i - 1] = cols[i].strip();
            }
            if (rest[0].isEmpty()) {
                throw new IllegalArgumentException(source + " line " + no + ": empty target");
            }
            rows.put(cols[0].strip(), rest);
        }
    }

    public ConceptMap map(String name) {
        ConceptMap m = maps.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no concept map " + name);
        }
        return m;
    }

    /** The FHIR URI of a v2 coding system name (table 0396), or null when unknown. */
    public String codingSystem(String v2Name) {
        Map<String, String> m = lookups.get("coding-systems");
        String uri = m.get(v2Name);
        if (uri == null) {
            uri = m.get(v2Name.toUpperCase(Locale.ROOT));
        }
        if (uri == null && v2Name.length() == 7 && v2Name.regionMatches(true, 0, "HL7", 0, 3)
                && isDigits(v2Name.substring(3))) {
            uri = "http://terminology.hl7.org/CodeSystem/v2-" + v2Name.substring(3);
        }
        return uri;
    }

    /** True when FHIR R4 defines {@code code} in HL7 table {@code table} (4 digits). */
    public boolean inV2Table(String table, String code) {
        Set<String> codes = v2Tables.get(table);
        return codes != null && codes.contains(code);
    }

    public String identifierSystem(String authority) {
        return lookup("identifier-systems", authority);
    }

    public String identifierTypeSystem(String type) {
        return lookup("identifier-type-systems", type);
    }

    public String ucumSynonym(String unit) {
        return lookups.get("ucum-units").get(unit);
    }

    /** MIME type for an ED/RP type or subtype (table 0191/0291), or null. */
    public String mimeType(String code) {
        return lookup("mime-types", code);
    }

    public String language(String code) {
        return lookup("language", code);
    }

    private String lookup(String table, String key) {
        Map<String, String> m = lookups.get(table);
        String v = m.get(key);
        return v != null ? v : m.get(key.toUpperCase(Locale.ROOT));
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** One concept map. Lookups are exact first, then case-insensitive. */
    public static final class ConceptMap {

        private final Map<String, Target> exact;
        private final Map<String, Target> folded;

        ConceptMap(Map<String, String[]> rows) {
            Map<String, Target> e = new HashMap<>();
            Map<String, Target> f = new HashMap<>();
            rows.forEach((k, v) -> {
                Target t = new Target(v[0], v.length > 1 && !v[1].isEmpty() ? v[1] : null,
                        v.length > 2 && !v[2].isEmpty() ? v[2] : null);
                e.put(k, t);
                f.putIfAbsent(k.toUpperCase(Locale.ROOT), t);
            });
            this.exact = Collections.unmodifiableMap(e);
            this.folded = Collections.unmodifiableMap(f);
        }

        /** The target of {@code code}, or null (also for a null code). */
        public Target get(String code) {
            if (code == null) {
                return null;
            }
            Target t = exact.get(code);
            return t != null ? t : folded.get(code.toUpperCase(Locale.ROOT));
        }

        public String code(String code) {
            Target t = get(code);
            return t == null ? null : t.code;
        }
    }

    /** A concept map target. */
    public static final class Target {
        public final String code;
        public final String system;
        public final String display;

        Target(String code, String system, String display) {
            this.code = code;
            this.system = system;
            this.display = display;
        }
    }
}
