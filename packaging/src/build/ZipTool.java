import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Build steps shared by every plugin zip (run by packaging/pom.xml with the Java source launcher, JDK only):
 * <ul>
 * <li>{@code licenses <lib dir> <CycloneDX bom.xml with licence texts> <zip root> <project NOTICE>}: writes
 * {@code doc/licenses/} (one folder per bundled jar with the licence and notice files the jar carries, the
 * licence texts the CycloneDX plugin resolved from each POM's {@code <licenses>}, and {@code LICENSES.md}
 * listing every jar with its licences) and {@code NOTICE} (ours, then every bundled jar's own NOTICE).</li>
 * <li>{@code check <zip> <budget bytes> <second zip> <project.build.outputTimestamp>}: fails when the zip is past
 * its budget, when two jars in lib/ carry the same class, when an entry's time is not the build's output
 * timestamp, or when the second assembly of the same inputs differs by one byte.</li>
 * </ul>
 */
public final class ZipTool {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "licenses" -> licenses(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Path.of(args[4]));
            case "check" -> check(Path.of(args[1]), Long.parseLong(args[2]), Path.of(args[3]), args[4]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    // ---------------------------------------------------------------- licences

    record Licence(String id, String name, String url, String text) {
        String label() {
            return id != null ? id : name != null ? name : "(no licence declared)";
        }
    }

    record Component(String group, String artifact, String version, List<Licence> licences) {
    }

    private static void licenses(Path lib, Path bom, Path root, Path projectNotice) throws Exception {
        Map<String, Component> byJar = components(bom);
        Path out = root.resolve("doc/licenses");
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder("# Third-party licences\n\n")
                .append("Every jar in lib/, with the licences its POM declares (`<licenses>`, as resolved into ")
                .append("sbom.json) and the licence and notice files the jar itself carries, copied into the ")
                .append("folder named after the jar.\n\n| jar | component | licences | files |\n|---|---|---|---|\n");
        StringBuilder notice = new StringBuilder(Files.readString(projectNotice, StandardCharsets.UTF_8).strip())
                .append("\n");
        List<String> missing = new ArrayList<>();
        for (Path jar : jars(lib)) {
            String file = jar.getFileName().toString();
            Component c = byJar.get(file);
            if (c == null) {
                missing.add(file);
                continue;
            }
            String folder = file.substring(0, file.length() - ".jar".length());
            Path dir = out.resolve(folder);
            Files.createDirectories(dir);
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : legalFiles(jar).entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
                files.add(e.getKey());
                if (e.getKey().startsWith("NOTICE")) {
                    notice.append("\n---------------------------------------------------------------------\n")
                            .append(file).append(":\n\n")
                            .append(new String(e.getValue(), StandardCharsets.UTF_8).strip()).append('\n');
                }
            }
            List<String> labels = new ArrayList<>();
            for (Licence l : c.licences()) {
                labels.add(l.url() != null ? "[" + l.label() + "](" + l.url() + ")" : l.label());
                if (l.text() != null) {
                    String name = "LICENSE-" + l.label().replaceAll("[^A-Za-z0-9.+-]", "_") + ".txt";
                    Files.writeString(dir.resolve(name), l.text(), StandardCharsets.UTF_8);
                    files.add(name);
                }
            }
            if (files.isEmpty() && c.licences().isEmpty()) {
                throw new IllegalStateException(file + " declares no licence and carries no licence file");
            }
            if (labels.isEmpty()) {
                labels.add("see files");
            }
            md.append("| ").append(file).append(" | ").append(c.group()).append(':').append(c.artifact()).append(':')
                    .append(c.version()).append(" | ").append(String.join(", ", labels)).append(" | ")
                    .append(files.stream().map(f -> "[" + f + "](" + folder + "/" + f + ")").toList().stream()
                            .reduce((a, b) -> a + ", " + b).orElse("")).append(" |\n");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("jars in lib/ missing from the SBOM: " + missing);
        }
        Files.writeString(out.resolve("LICENSES.md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(root.resolve("NOTICE"), notice.toString(), StandardCharsets.UTF_8);
    }

    private static List<Path> jars(Path lib) throws IOException {
        try (Stream<Path> s = Files.list(lib)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** LICENSE/NOTICE/COPYING files at the jar's root or in META-INF, by file name. */
    private static Map<String, byte[]> legalFiles(Path jar) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
                String base = name.substring(dir.length());
                String upper = base.toUpperCase();
                boolean legal = upper.startsWith("LICENSE") || upper.startsWith("LICENCE")
                        || upper.startsWith("NOTICE") || upper.startsWith("COPYING");
                if (e.isDirectory() || !legal || !(dir.isEmpty() || dir.equals("META-INF/"))) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    String key = files.containsKey(base) ? "META-INF-" + base : base;
                    files.put(key, in.readAllBytes());
                }
            }
        }
        return files;
    }

    /** jar file name (artifactId-version[-classifier].jar) -> component, from a CycloneDX XML BOM. */
    private static Map<String, Component> components(Path bom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        Document doc = f.newDocumentBuilder().parse(bom.toFile());
        Element comps = child(doc.getDocumentElement(), "components");
        Map<String, Component> result = new HashMap<>();
        if (comps == null) {
            return result;
        }
        for (Element c : children(comps, "component")) {
            String purl = text(c, "purl");
            String classifier = purl != null && purl.contains("classifier=")
                    ? purl.replaceAll(".*classifier=([^&]+).*", "$1") : null;
            List<Licence> licences = new ArrayList<>();
            Element ls = child(c, "licenses");
            if (ls != null) {
                for (Element l : children(ls, "license")) {
                    String body = null;
                    Element t = child(l, "text");
                    if (t != null) {
                        body = "base64".equals(t.getAttribute("encoding"))
                                ? new String(Base64.getMimeDecoder().decode(t.getTextContent()), StandardCharsets.UTF_8)
                                : t.getTextContent();
                    }
                    licences.add(new Licence(text(l, "id"), text(l, "name"), text(l, "url"), body));
                }
                for (Element e : children(ls, "expression")) {
                    licences.add(new Licence(e.getTextContent().strip(), null, null, null));
                }
            }
            String artifact = text(c, "name");
            String version = text(c, "version");
            String jar = artifact + "-" + version + (classifier == null ? "" : "-" + classifier) + ".jar";
            result.put(jar, new Component(text(c, "group"), artifact, version, licences));
        }
        return result;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> list = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                list.add(e);
            }
        }
        return list;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }

    // ---------------------------------------------------------------- checks

    private static void check(Path zip, long budget, Path twin, String outputTimestamp) throws IOException {
        List<String> problems = new ArrayList<>();
        long size = Files.size(zip);
        if (size > budget) {
            problems.add(zip.getFileName() + " is " + size + " bytes, past its budget of " + budget
                    + " bytes (plugin.zip.budget.bytes): ship only what runs");
        }
        Map<String, String> owners = new HashMap<>();
        Map<String, TreeSet<String>> clashes = new LinkedHashMap<>();
        LocalDateTime expected = LocalDateTime.ofInstant(Instant.parse(outputTimestamp), ZoneOffset.UTC);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.getTimeLocal().equals(expected)) {
                    problems.add(e.getName() + " is dated " + e.getTimeLocal() + ", not the build's output timestamp "
                            + outputTimestamp + " (project.build.outputTimestamp)");
                }
                String name = e.getName();
                if (!name.contains("/lib/") || !name.endsWith(".jar")) {
                    continue;
                }
                String jar = name.substring(name.lastIndexOf('/') + 1);
                try (ZipInputStream in = new ZipInputStream(file.getInputStream(e))) {
                    ZipEntry c;
                    while ((c = in.getNextEntry()) != null) {
                        String cls = c.getName();
                        if (!cls.endsWith(".class") || cls.startsWith("META-INF/") || cls.endsWith("module-info.class")) {
                            continue;
                        }
                        String other = owners.putIfAbsent(cls, jar);
                        if (other != null && !other.equals(jar)) {
                            clashes.computeIfAbsent(other + " and " + jar, k -> new TreeSet<>()).add(cls);
                        }
                    }
                }
            }
        }
        clashes.forEach((jars, classes) -> problems.add(jars + " both carry " + classes.size() + " classes, e.g. "
                + classes.first()));
        if (!java.util.Arrays.equals(Files.readAllBytes(zip), Files.readAllBytes(twin))) {
            problems.add(zip.getFileName() + " differs from a second assembly of the same build (" + twin
                    + "): the zip is not reproducible");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
        System.out.println("[zip-check] " + zip.getFileName() + ": " + size + " bytes of " + budget
                + " budget, no class in two jars, reproducible");
    }
}
